"""The service navigation, by role: six or seven sections each (eight for admins), and, apart from
them, the signed-in person's own links (their account, and signing out). A section is shown as the current
one on its own page and on the pages it leads to."""

from dataclasses import dataclass

from flask import request, url_for
from flask_login import current_user

from covenant_portal.access import Role


@dataclass(frozen=True)
class Section:
    text: str
    endpoint: str
    # Other pages that belong to the section (it is shown as current on them too).
    also: tuple[str, ...] = ()


ANONYMOUS_SECTIONS = [
    Section("Signatories", "covenant.signatories"),
    Section("Check a receipt", "signing.verify"),
    Section("Sign up", "accounts.sign_up"),
    Section("Sign in", "accounts.login"),
]
DASHBOARD = Section("Dashboard", "pages.dashboard")
# Those who oversee the covenant read every submitted expansion proposal (and its pages) and the report.
EXPANSIONS = Section(
    "Expansions",
    "expansion_oversight.proposals",
    ("expansion_triage.proposal", "expansion_triage.version", "expansion_triage.letter", "expansion_reports.report"),
)
LEARNING = Section(
    "Shared learning",
    "learning.library",
    ("learning.summary", "learning.new_good_practice", "learning.edit", "learning.names"),
)
ROLE_SECTIONS = {
    Role.PROVIDER: [
        DASHBOARD,
        Section("Covenant", "covenant.read", ("covenant.sign", "covenant.signature")),
        Section("Homes", "homes.homes"),
        Section("Returns", "returns.returns"),
        Section("Named contacts", "contacts.contacts", ("contacts.history",)),
        Section("LA contacts", "contacts.directory"),
        LEARNING,
    ],
    Role.LA_CONTACT: [
        DASHBOARD,
        Section("Covenant", "covenant.read"),
        Section("Signatories", "covenant.all_signatories"),
        Section("Homes", "homes.la_homes"),
        Section("Returns", "compliance.table", ("compliance.detail",)),
        Section("LA contacts", "contacts.directory"),
        LEARNING,
    ],
    Role.ESCALATION_OFFICER: [
        DASHBOARD,
        Section("Covenant", "covenant.read"),
        Section("Signatories", "covenant.all_signatories"),
        Section("Returns", "compliance.overview", ("compliance.table", "compliance.detail")),
        EXPANSIONS,
        Section("LA contacts", "contacts.directory"),
        LEARNING,
    ],
    Role.ADMIN: [
        DASHBOARD,
        Section("Users", "admin.users", ("admin.invite_user", "admin.user_detail")),
        Section(
            "Covenant",
            "covenant.admin_versions",
            ("covenant.admin_version", "covenant.admin_new", "covenant.all_signatories"),
        ),
        Section("LA contacts", "contacts.admin_named_contacts"),
        Section(
            "Returns",
            "compliance.overview",
            ("compliance.table", "compliance.detail", "return_calendar.return_periods"),
        ),
        EXPANSIONS,
        LEARNING,
        Section("Logs", "audit.events", ("mail.log", "mail.message", "jobs.runs", "signing.witnesses")),
    ],
}
# The person's own links, apart from the sections.
ACCOUNT_LINKS = [Section("Your account", "accounts.account"), Section("Sign out", "accounts.logout")]
LA_CONTACT_LINKS = [Section("Named contact", "contacts.la_named_contact")]
ORGANISATION_ADMIN_LINKS = [Section("Your team", "accounts.team", ("accounts.team_invite",))]


def _sections_for(user) -> list[Section]:
    return ROLE_SECTIONS[user.role] if user.is_authenticated else ANONYMOUS_SECTIONS


def _own_links_for(user) -> list[Section]:
    if not user.is_authenticated:
        return []
    own = list(ACCOUNT_LINKS)
    if user.role == Role.LA_CONTACT:
        own = LA_CONTACT_LINKS + own
    if user.role == Role.PROVIDER and user.is_organisation_admin:
        own = ORGANISATION_ADMIN_LINKS + own
    return own


def _items(sections: list[Section]) -> list[dict]:
    items = []
    for section in sections:
        href = url_for(section.endpoint)
        current = request.endpoint == section.endpoint or request.endpoint in section.also
        items.append({"href": href, "text": section.text, "active": current})
    return items


def navigation_items() -> list[dict]:
    return _items(_sections_for(current_user))


def account_items() -> list[dict]:
    return _items(_own_links_for(current_user))
