"""Demo data for trying the portal locally (`flask --app covenant_portal seed-demo`).

One account for every kind of user, all active, with known passwords. Safe to run again:
accounts and organisations that already exist are left exactly as they are.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, Role, User
from covenant_portal.accounts.passwords import hash_password
from covenant_portal.reference import load_local_authorities

DOMAIN = "demo.gm-first.example"

# Demo passwords are printed and published in the README: never use these accounts in production.
PASSWORDS = {
    Role.ADMIN: "demo admin of the covenant",
    Role.LA_CONTACT: "demo local authority contact",
    Role.ESCALATION_OFFICER: "demo escalation officer",
    Role.PROVIDER: "demo children's care provider",
}

DEMO_PROVIDERS = (
    ("brightwater", "Brightwater Children's Homes Ltd"),
    ("pennine", "Pennine Fostering Partnership"),
    ("irwell", "Irwell Valley Care CIC"),
)
# Each demo provider has an organisation admin and a colleague who is not one.
PROVIDER_STAFF = (("admin", "Registered manager", True), ("colleague", "Deputy manager", False))


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    description: str


@dataclass(frozen=True)
class _DemoUser:
    email: str
    full_name: str
    job_title: str
    role: Role
    local_authority: LocalAuthority | None = None
    organisation: ProviderOrganisation | None = None
    is_organisation_admin: bool = False

    @property
    def login(self) -> DemoLogin:
        where = self.local_authority or self.organisation
        description = self.job_title + (f", {where.name}" if where else "")
        return DemoLogin(self.email, PASSWORDS[self.role], description)


def seed_demo(session: Session, now: datetime) -> list[DemoLogin]:
    """Create whatever demo data is missing; returns every demo login."""
    load_local_authorities(session)
    people = _demo_people(session, now)
    for person in people:
        _create_user_if_missing(session, person, now)
    session.commit()
    return [person.login for person in people]


def _demo_people(session: Session, now: datetime) -> list[_DemoUser]:
    people = [_DemoUser(f"admin@{DOMAIN}", "Alex Admin", "Portal administrator", Role.ADMIN)]
    authorities = session.scalars(
        select(LocalAuthority).where(LocalAuthority.is_greater_manchester).order_by(LocalAuthority.ons_code)
    )
    for authority in authorities:
        slug = authority.name.lower().replace(" ", "-")
        people.append(
            _DemoUser(
                f"{slug}.contact@{DOMAIN}",
                f"{authority.name} Contact",
                "Named contact for providers",
                Role.LA_CONTACT,
                local_authority=authority,
            )
        )
    people.append(
        _DemoUser(f"escalation@{DOMAIN}", "Erin Escalation", "Escalation officer", Role.ESCALATION_OFFICER)
    )
    for slug, name in DEMO_PROVIDERS:
        organisation = _organisation(session, name, now)
        for suffix, job_title, is_admin in PROVIDER_STAFF:
            people.append(
                _DemoUser(
                    f"{slug}.{suffix}@{DOMAIN}",
                    f"{name.split()[0]} {suffix.capitalize()}",
                    job_title,
                    Role.PROVIDER,
                    organisation=organisation,
                    is_organisation_admin=is_admin,
                )
            )
    return people


def _organisation(session: Session, name: str, now: datetime) -> ProviderOrganisation:
    organisation = session.scalar(select(ProviderOrganisation).where(ProviderOrganisation.name == name))
    if organisation is None:
        organisation = ProviderOrganisation(name=name, created_at=now)
        session.add(organisation)
        session.flush()
        audit.record(session, audit.service.SYSTEM, "organisation.seeded", organisation, now)
    return organisation


def _create_user_if_missing(session: Session, person: _DemoUser, now: datetime) -> None:
    if session.scalar(select(User.id).where(User.email == person.email)) is not None:
        return
    user = User(
        email=person.email,
        full_name=person.full_name,
        job_title=person.job_title,
        role=person.role,
        local_authority=person.local_authority,
        organisation=person.organisation,
        is_organisation_admin=person.is_organisation_admin,
        password_hash=hash_password(PASSWORDS[person.role]),
        email_verified_at=now,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(session, audit.service.SYSTEM, "user.seeded", user, now, role=str(person.role))


def login_table(logins: list[DemoLogin]) -> str:
    """The demo logins as a plain-text table for the terminal."""
    rows = [("Email", "Password", "Who")] + [(login.email, login.password, login.description) for login in logins]
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    lines = [f"{email:<{widths[0]}}  {password:<{widths[1]}}  {who}" for email, password, who in rows]
    lines.insert(1, "-" * len(max(lines, key=len)))
    return "\n".join(lines)
