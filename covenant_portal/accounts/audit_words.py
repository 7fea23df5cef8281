"""What the accounts area's audit events and records are called in the audit trail."""

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.audit.vocabulary import AuditVocabulary, describe_records

ACCOUNTS_AUDIT_VOCABULARY = AuditVocabulary(
    actions={
        "user.logged_in": "Signed in",
        "user.signed_up": "Signed up for an organisation",
        "user.email_verified": "Confirmed their email address",
        "user.verification_email_resent": "Asked for a new confirmation link",
        "user.sign_up_with_existing_email": "Tried to sign up with an address that has an account",
        "user.invited": "Invited someone",
        "user.invited_with_existing_email": "Tried to invite an address that has an account elsewhere",
        "user.activated": "Set up their account from an invitation",
        "user.deactivated": "Deactivated an account",
        "user.reactivated": "Reactivated an account",
        "user.password_changed": "Changed their password",
        "user.password_reset_requested": "Asked to reset a password",
        "user.password_reset": "Reset their password",
        "user.email_change_requested": "Asked to change their email address",
        "user.email_changed": "Changed their email address",
        "user.email_change_refused": "Could not change their email address (it has an account)",
        "user.admin_created": "Created a portal administrator",
        "user.seeded": "Demo account created",
        "organisation.seeded": "Demo organisation created",
    },
    objects={
        "User": describe_records(User, lambda user: f"User: {user.full_name} ({user.email})"),
        "ProviderOrganisation": describe_records(
            ProviderOrganisation, lambda organisation: f"Organisation: {organisation.name}"
        ),
        "LocalAuthority": describe_records(LocalAuthority, lambda authority: f"Local authority: {authority.name}"),
    },
)
