"""Demo data for trying the portal locally (`flask --app covenant_portal seed-demo`).

One account for every kind of user, all active, with known passwords. Safe to run again:
accounts and organisations that already exist are left exactly as they are.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.access import Role
from covenant_portal.accounts.passwords import PasswordSettings, hash_password
from covenant_portal.contacts.models import LocalAuthorityNamedContact, ProviderContact
from covenant_portal.homes.models import HomeStatus, HomeType, Need, ProviderHome
from covenant_portal.reference import load_covenant, load_local_authorities

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
        who = "Organisation admin" if self.is_organisation_admin else self.role.label
        where = self.local_authority or self.organisation
        return DemoLogin(self.email, PASSWORDS[self.role], who + (f", {where.name}" if where else ""))


def seed_demo(session: Session, passwords: PasswordSettings, now: datetime) -> list[DemoLogin]:
    """Create whatever demo data is missing; returns every demo login."""
    load_local_authorities(session)
    load_covenant(session)
    people = _demo_people(session, now)
    # One hash per demo password (argon2 is slow on purpose, and these passwords are public anyway).
    password_hashes = {role: hash_password(passwords, password) for role, password in PASSWORDS.items()}
    for person in people:
        _create_user_if_missing(session, person, password_hashes[person.role], now)
    _seed_homes_and_contacts(session, now)
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


def _create_user_if_missing(session: Session, person: _DemoUser, password_hash: str, now: datetime) -> None:
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
        password_hash=password_hash,
        email_verified_at=now,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(session, audit.service.SYSTEM, "user.seeded", user, now, role=str(person.role))


# Homes and named contacts (pledge 2). Irwell names no contact, and Wigan and Tameside have no named
# contact, so the warnings show. Phone numbers are in Ofcom's range for drama (0161 496 0xxx).
DEMO_HOMES = (
    # provider slug, name, host LA, type, places, ages, needs, status, Ofsted URN
    ("brightwater", "Oak House", "Bolton", HomeType.CHILDRENS_HOME, 4, (8, 17),
     (Need.EMOTIONAL_BEHAVIOURAL, Need.CHILD_EXPLOITATION), HomeStatus.OPEN, "SC480001"),
    ("brightwater", "Elm Lodge", "Wigan", HomeType.CHILDRENS_HOME, 3, (10, 17),
     (Need.MENTAL_HEALTH_COMPLEX,), HomeStatus.OPEN, "SC480002"),
    ("brightwater", "Willow Court", "Salford", HomeType.CHILDRENS_HOME, 2, (12, 17), (), HomeStatus.PLANNED, None),
    ("pennine", "Pennine Fostering Partnership", "Oldham", HomeType.FOSTERING_AGENCY, 35, (0, 18),
     (Need.PARENT_AND_CHILD, Need.DISABILITIES), HomeStatus.OPEN, "2512345"),
    ("irwell", "Irwell House", "Bury", HomeType.SUPPORTED_ACCOMMODATION, 6, (16, 17),
     (Need.UNACCOMPANIED_ASYLUM_SEEKING,), HomeStatus.OPEN, None),
)
DEMO_CONTACTS = (
    # provider slug, name, role, phone, homes covered (none: all homes)
    ("brightwater", "Grace Okafor", "Referrals manager", "0161 496 0101", ("Oak House", "Elm Lodge")),
    ("brightwater", "Tom Birch", "Registered manager", "0161 496 0102", ()),
    ("pennine", "Hannah Moss", "Placements coordinator", "0161 496 0201", ()),
)
LA_WITHOUT_NAMED_CONTACT = ("Wigan", "Tameside")


def _seed_homes_and_contacts(session: Session, now: datetime) -> None:
    """Adds the demo homes and contacts an organisation or person never had (whatever has been
    changed or removed since stays so)."""
    organisations = {
        slug: session.scalar(select(ProviderOrganisation).where(ProviderOrganisation.name == name))
        for slug, name in DEMO_PROVIDERS
    }
    authorities = {authority.name: authority for authority in session.scalars(select(LocalAuthority))}
    for slug, name, host, home_type, places, (age_from, age_to), needs, status, urn in DEMO_HOMES:
        organisation = organisations[slug]
        if not session.scalar(select(ProviderHome.id).filter_by(organisation_id=organisation.id, name=name)):
            home = ProviderHome(
                organisation=organisation, name=name, host_local_authority=authorities[host], home_type=home_type,
                registered_places=places, age_from=age_from, age_to=age_to, needs=[n.value for n in needs],
                status=status, ofsted_urn=urn, created_at=now, updated_at=now,
            )
            _add_seeded(session, home, "home.seeded", now)
    for slug, name, role, phone, home_names in DEMO_CONTACTS:
        organisation = organisations[slug]
        if not session.scalar(select(ProviderContact.id).filter_by(organisation_id=organisation.id, name=name)):
            homes = session.scalars(select(ProviderHome).filter_by(organisation_id=organisation.id)
                                    .where(ProviderHome.name.in_(home_names))).all()
            email = f"{name.split()[0].lower()}@{slug}.{DOMAIN}"
            contact = ProviderContact(organisation=organisation, name=name, role=role, email=email, phone=phone,
                                      homes=list(homes), created_at=now)
            _add_seeded(session, contact, "contact.seeded", now)
    la_contacts = session.scalars(
        select(User).where(User.role == Role.LA_CONTACT, User.email.endswith(DOMAIN)).order_by(User.email)
    )
    for number, user in enumerate(la_contacts, start=1):
        never_named = not session.scalar(select(LocalAuthorityNamedContact.id).filter_by(user_id=user.id))
        if never_named and user.local_authority.name not in LA_WITHOUT_NAMED_CONTACT:
            named = LocalAuthorityNamedContact(local_authority_id=user.local_authority_id, user=user,
                                               email=user.email, phone=f"0161 496 0{300 + number}", started_at=now)
            _add_seeded(session, named, "la_named_contact.seeded", now)


def _add_seeded(session: Session, obj, action: str, now: datetime) -> None:
    session.add(obj)
    session.flush()
    audit.record(session, audit.service.SYSTEM, action, obj, now)


def login_table(logins: list[DemoLogin]) -> str:
    """The demo logins as a plain-text table for the terminal."""
    rows = [("Email", "Password", "Who")] + [(login.email, login.password, login.description) for login in logins]
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    lines = [f"{email:<{widths[0]}}  {password:<{widths[1]}}  {who}" for email, password, who in rows]
    lines.insert(1, "-" * len(max(lines, key=len)))
    return "\n".join(lines)
