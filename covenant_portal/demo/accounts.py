"""The demo's accounts: one for every kind of user, all active, with known passwords, and the
provider organisations. Accounts and organisations that already exist are left exactly as they are.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.access import Role
from covenant_portal.accounts.passwords import hash_password
from covenant_portal.demo.providers import DOMAIN, PROVIDER_STAFF, PROVIDERS
from covenant_portal.demo.timeline import Demo

# Demo passwords are printed and published in the README: never use these accounts in production.
PASSWORDS = {
    Role.ADMIN: "demo admin of the covenant",
    Role.LA_CONTACT: "demo local authority contact",
    Role.ESCALATION_OFFICER: "demo escalation officer",
    Role.PROVIDER: "demo children's care provider",
}


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
    organisation_name: str | None = None
    is_organisation_admin: bool = False

    @property
    def login(self) -> DemoLogin:
        who = "Organisation admin" if self.is_organisation_admin else self.role.label
        where = self.local_authority.name if self.local_authority else self.organisation_name
        return DemoLogin(self.email, PASSWORDS[self.role], who + (f", {where}" if where else ""))


def plan_accounts(demo: Demo) -> None:
    """The accounts area's demo step: everyone's account, made when the demo starts (three years
    back). Every demo login is listed in demo.logins."""
    people = _demo_people(demo.session)
    demo.logins.extend(person.login for person in people)
    demo.at(
        demo.calendar.start,
        lambda: _create_accounts(demo.session, demo.settings.passwords, people, demo.calendar.start),
    )


def _create_accounts(session: Session, passwords, people: list["_DemoUser"], now: datetime) -> None:
    # One hash per demo password (argon2 is slow on purpose, and these passwords are public anyway).
    password_hashes: dict[Role, str] = {}
    for person in people:
        if session.scalar(select(User.id).where(User.email == person.email)) is not None:
            continue
        if person.role not in password_hashes:
            password_hashes[person.role] = hash_password(passwords, PASSWORDS[person.role])
        organisation = _organisation(session, person.organisation_name, now) if person.organisation_name else None
        _create_user(session, person, organisation, password_hashes[person.role], now)
    session.commit()


def _demo_people(session: Session) -> list[_DemoUser]:
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
    people.append(_DemoUser(f"escalation@{DOMAIN}", "Erin Escalation", "Escalation officer", Role.ESCALATION_OFFICER))
    for provider in PROVIDERS:
        for suffix, job_title, is_admin in PROVIDER_STAFF:
            people.append(
                _DemoUser(
                    f"{provider.slug}.{suffix}@{DOMAIN}",
                    f"{provider.name.split()[0]} {suffix.capitalize()}",
                    job_title,
                    Role.PROVIDER,
                    organisation_name=provider.name,
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


def _create_user(
    session: Session,
    person: _DemoUser,
    organisation: ProviderOrganisation | None,
    password_hash: str,
    now: datetime,
) -> None:
    user = User(
        email=person.email,
        full_name=person.full_name,
        job_title=person.job_title,
        role=person.role,
        local_authority=person.local_authority,
        organisation=organisation,
        is_organisation_admin=person.is_organisation_admin,
        password_hash=password_hash,
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
