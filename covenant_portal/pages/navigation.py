"""The service navigation, by role: each area adds its entries here."""
from flask import request, url_for
from flask_login import current_user

from covenant_portal.accounts.models import Role

ANONYMOUS_ENTRIES = [
    ("covenant.signatories", "Signatories"),
    ("signing.verify", "Check a receipt"),
    ("accounts.sign_up", "Sign up"),
    ("accounts.login", "Sign in"),
]
ORGANISATION_ADMIN_ENTRIES = [("accounts.team", "Your team")]
ROLE_ENTRIES = {
    Role.PROVIDER: [
        ("covenant.read", "Covenant"),
        ("homes.homes", "Homes"),
        ("returns.returns", "Returns"),
        ("contacts.contacts", "Named contacts"),
        ("contacts.directory", "LA contacts"),
    ],
    Role.LA_CONTACT: [
        ("covenant.read", "Covenant"),
        ("covenant.all_signatories", "Signatories"),
        ("homes.la_homes", "Homes"),
        ("compliance.table", "Returns"),
        ("contacts.la_named_contact", "Named contact"),
        ("contacts.directory", "LA contacts"),
    ],
    Role.ESCALATION_OFFICER: [
        ("covenant.read", "Covenant"),
        ("covenant.all_signatories", "Signatories"),
        ("compliance.overview", "Returns"),
        ("contacts.directory", "LA contacts"),
    ],
    Role.ADMIN: [
        ("admin.users", "Users"),
        ("covenant.admin_versions", "Covenant"),
        ("covenant.all_signatories", "Signatories"),
        ("contacts.admin_named_contacts", "LA contacts"),
        ("compliance.overview", "Returns"),
        ("return_calendar.return_periods", "Return periods"),
        ("audit.events", "Audit trail"),
        ("mail.log", "Mail log"),
        ("jobs.runs", "Job runs"),
        ("signing.witnesses", "Witnesses"),
    ],
}
ACCOUNT_ENTRIES = [("accounts.account", "Your account"), ("accounts.logout", "Sign out")]


def _entries_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return ANONYMOUS_ENTRIES
    entries = [("pages.dashboard", "Dashboard"), *ROLE_ENTRIES[user.role]]
    if user.role == Role.PROVIDER and user.is_organisation_admin:
        entries += ORGANISATION_ADMIN_ENTRIES
    return entries + ACCOUNT_ENTRIES


def navigation_items() -> list[dict]:
    items = []
    for endpoint, text in _entries_for(current_user):
        href = url_for(endpoint)
        items.append({"href": href, "text": text, "active": request.path == href})
    return items
