"""What named contacts' audit events and records are called in the audit trail."""

from sqlalchemy.orm import joinedload

from covenant_portal.audit.vocabulary import AuditVocabulary, describe_records
from covenant_portal.contacts.models import LocalAuthorityNamedContact, ProviderContact

CONTACTS_AUDIT_VOCABULARY = AuditVocabulary(
    actions={
        "contact.added": "Added a named contact",
        "contact.changed": "Changed a named contact",
        "contact.removed": "Removed a named contact",
        "contact.seeded": "Demo named contact added",
        "la_named_contact.started": "Became a named contact of their local authority",
        "la_named_contact.changed": "Changed a local authority named contact's details",
        "la_named_contact.ended": "Ended a local authority named contact",
        "la_named_contact.seeded": "Demo local authority named contact added",
    },
    objects={
        "ProviderContact": describe_records(
            ProviderContact,
            lambda contact: f"Named contact: {contact.name}, {contact.organisation.name}",
            options=lambda: (joinedload(ProviderContact.organisation),),
        ),
        "LocalAuthorityNamedContact": describe_records(
            LocalAuthorityNamedContact,
            lambda named: f"Named contact: {named.user.full_name}, {named.local_authority.name}",
            options=lambda: (
                joinedload(LocalAuthorityNamedContact.user),
                joinedload(LocalAuthorityNamedContact.local_authority),
            ),
        ),
    },
)
