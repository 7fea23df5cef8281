"""The world the chase tests run in: providers that owe Q1 2026 to 2027 (due Wednesday 29 July 2026),
the LA named contacts and escalation officers an escalation tells, and a way to run the job for a
day and collect what a real SMTP server receives."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import ProviderOrganisation, User
from covenant_portal.access import Role
from covenant_portal.returns.models import ReturnPeriod
from covenant_portal.returns.submission.service import ReturnSigning, sign_return
from covenant_portal.audit.service import SYSTEM
from covenant_portal.contacts.models import LocalAuthorityNamedContact
from covenant_portal.returns.area import CHASE_OVERDUE_RETURNS
from covenant_portal.mail.jobs import send_due_messages
from covenant_portal.mail.links import Links
from tests.returns.helpers import SIGNED_AT, filled_return, SignedOrganisation
from tests.covenant.helpers import create_named_contact, sign_current_version
from tests.factories import create_user, local_authority
from tests.homes.homes import create_home

# Q1 2026 to 2027 (April to June 2026) opens on 1 July 2026 and is due on Wednesday 29 July 2026.
DUE_ON = date(2026, 7, 29)
CHASE_DATES = {
    "due_in_7_days": date(2026, 7, 22),
    "due_today": date(2026, 7, 29),
    "overdue_1_day": date(2026, 7, 30),
    "overdue_7_days": date(2026, 8, 5),
    "escalated": date(2026, 8, 12),
}
JOB = CHASE_OVERDUE_RETURNS


def as_of(day: date) -> datetime:
    """When the scheduler runs the job on that day (07:00 UK time)."""
    return JOB.trigger.as_of_on(day)


def provider(
    session: Session,
    name: str,
    signed_at: datetime | None = SIGNED_AT,
    homes=("Bolton",),
    contact_email: str | None = None,
) -> SignedOrganisation:
    """An organisation called `name` whose admin (name.admin@provider.example) signed the covenant
    at `signed_at` (or never), naming one contact (name.contact@provider.example), with an open home
    in each LA of `homes`."""
    slug = name.split()[0].lower()
    admin = create_user(
        session,
        Role.PROVIDER,
        email=f"{slug}.admin@provider.example",
        full_name=f"{name.split()[0]} Admin",
        organisation=ProviderOrganisation(name=name),
        is_organisation_admin=True,
    )
    create_named_contact(
        session,
        admin.organisation,
        name=f"{name.split()[0]} Contact",
        email=contact_email or f"{slug}.contact@provider.example",
    )
    signature = sign_current_version(session, admin, now=signed_at) if signed_at else None
    created = [
        create_home(session, admin.organisation, host_local_authority=local_authority(session, la)) for la in homes
    ]
    return SignedOrganisation(admin, admin.organisation, created, signature)


def name_la_contact(session: Session, authority: str, email: str, **overrides) -> LocalAuthorityNamedContact:
    user = create_user(
        session,
        Role.LA_CONTACT,
        local_authority=local_authority(session, authority),
        full_name=f"{authority} Contact",
        **overrides,
    )
    named = LocalAuthorityNamedContact(
        local_authority_id=user.local_authority_id,
        user_id=user.id,
        email=email,
        phone="0161 496 0001",
        started_at=SIGNED_AT,
    )
    session.add(named)
    session.flush()
    return named


@dataclass
class World:
    late: SignedOrganisation  # owes Q1 and never sends it
    on_time: SignedOrganisation  # owes Q1 and signs it before the first reminder
    newcomer: SignedOrganisation  # signed after Q1 started: owes nothing for Q1


def build_world(session: Session) -> World:
    late = provider(session, "Late Care Ltd")
    late.colleague(session, email="late.colleague@provider.example")  # not an admin: not chased
    create_user(
        session,
        Role.PROVIDER,
        organisation=late.organisation,
        is_organisation_admin=True,
        email="late.gone@provider.example",
        deactivated_at=SIGNED_AT,
    )  # deactivated: not chased
    on_time = provider(session, "Prompt Homes Ltd")
    newcomer = provider(session, "Newcomer Care Ltd", signed_at=datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    name_la_contact(session, "Bolton", "placements@bolton.example")
    name_la_contact(session, "Bury", "placements@bury.example")  # hosts none of Late Care's homes
    create_user(session, Role.ESCALATION_OFFICER, email="officer@gm-first.example", full_name="Esme Officer")
    create_user(session, Role.ESCALATION_OFFICER, email="retired.officer@gm-first.example", deactivated_at=SIGNED_AT)
    session.flush()
    return World(late, on_time, newcomer)


def q1_period(session: Session) -> ReturnPeriod:
    return session.scalar(select(ReturnPeriod).where(ReturnPeriod.financial_year == 2026, ReturnPeriod.quarter == 1))


def submit(session: Session, signed: SignedOrganisation, period: ReturnPeriod, now: datetime):
    """The organisation signs its return for the period, as the signing page does."""
    quarterly_return = filled_return(session, signed, period)
    signing = ReturnSigning(signed.user.full_name, "Director", quarterly_return.draft_lock)
    return sign_return(
        session,
        Links.from_app(current_app),
        current_app.extensions["signing_key"],
        signed.user,
        quarterly_return,
        signing,
        SYSTEM,
        now,
    )


def received_on(session: Session, smtp_server, day: date) -> list[tuple[str, str]]:
    """Sends the outbox as it stands after the day's run; the (recipient, subject) pairs received."""
    before = len(smtp_server.messages)
    while send_due_messages(session, as_of(day)).sent:
        pass
    # A long subject is folded onto a second header line; unfolded, as mail programs show it.
    return sorted((message["To"], " ".join(message["Subject"].split())) for message in smtp_server.messages[before:])


def users_by_email(session: Session, *emails: str) -> list[User]:
    return list(session.scalars(select(User).where(User.email.in_(emails))))
