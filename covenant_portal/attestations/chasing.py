"""Chasing quarterly returns: the daily `chase_overdue_returns` job, and what providers see of it.

The schedule, counted in calendar days from a period's due date (`ReturnPeriod.due_on`, as an admin
may have moved it):

    7 days before   due_in_7_days    reminder to the organisation's named contacts and admins
    the due date    due_today        reminder, the same people
    1 day after     overdue_1_day    reminder, the same people
    7 days after    overdue_7_days   reminder, the same people
    14 days after   escalated        email to the named contacts of the LAs hosting the
                                     organisation's homes (open or planned) and to every active
                                     escalation officer; the return then shows "Escalated"

Only organisations that owe the period's return (`periods.owing_organisation_ids`) and have not
submitted it are chased.

Missed days: each run sends, per organisation, the latest stage whose date has come (on or before the
run's London day) and that has not been sent, unless a later stage has already been sent. Older
stages are never sent once a later one is due, so a job that did not run for a few days catches up
with one email per person, not a burst, and replaying every chase date with `--as-of` gives exactly
the five emails of the schedule. A reminder sent late says how things stand on the day it is sent
(due in 3 days, 4 days overdue …). Moving a due date moves the stages still to come; a stage
already sent is not sent again.

Exactly once: a `ReturnReminder` row per (organisation, period, stage), under a unique constraint,
is inserted with INSERT … ON CONFLICT DO NOTHING … RETURNING in the same transaction as its outbox
emails (each with the dedupe key "return-reminder:<period>:<organisation>:<stage>:<address>"). Only
the transaction whose insert returns the row queues the emails, so a second run for the same day,
a replay, or two schedulers at once send each email once. The job's own slot claim (jobs/runner.py)
already stops most repeats; the constraint covers runs for different days that overlap.

Fast: per period a few bulk queries (owing, submitted, already sent), then organisations in chunks
of CHUNK_SIZE: their names, contacts and admins (or, to escalate, host LAs' named contacts) loaded in
a few queries, reminders and emails inserted in bulk, one commit per chunk.
"""
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from covenant_portal.accounts.models import (
    LocalAuthority, ProviderOrganisation, Role, User, can_sign_in, is_active_organisation_admin,
)
from covenant_portal.accounts.tokens import email_link
from covenant_portal.attestations.calendar import ensure_periods_saved
from covenant_portal.attestations.models import (
    AttestationReturn,
    AttestationSubmission,
    ReminderStage,
    ReturnPeriod,
    ReturnReminder,
)
from covenant_portal.attestations.periods import (
    london_day,
    owing_organisation_ids,
    start_of_london_day,
)
from covenant_portal.audit.service import SYSTEM, event_row, record_many
from covenant_portal.contacts.models import LocalAuthorityNamedContact, ProviderContact
from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.homes.models import HomeStatus, ProviderHome
from covenant_portal.db import insert_ignoring_duplicates
from covenant_portal.mail.service import queue_emails, rendered_email

# Days from the due date on which each stage falls, in the order they come.
STAGE_OFFSETS: dict[ReminderStage, int] = {
    ReminderStage.DUE_IN_7_DAYS: -7,
    ReminderStage.DUE_TODAY: 0,
    ReminderStage.OVERDUE_1_DAY: 1,
    ReminderStage.OVERDUE_7_DAYS: 7,
    ReminderStage.ESCALATED: 14,
}
STAGES = list(STAGE_OFFSETS)
RANK = {stage: rank for rank, stage in enumerate(STAGES)}
FIRST_OFFSET = min(STAGE_OFFSETS.values())
CHUNK_SIZE = 500
DEDUPE_KEY_LENGTH = 255


def stage_date(period: ReturnPeriod, stage: ReminderStage) -> date:
    return period.due_on + timedelta(days=STAGE_OFFSETS[stage])


def stage_due(period: ReturnPeriod, today: date) -> ReminderStage | None:
    """The latest stage whose date has come by `today`, if any."""
    due = [stage for stage in STAGES if stage_date(period, stage) <= today]
    return due[-1] if due else None


# The job


@dataclass
class ChaseReport:
    reminders: dict[ReminderStage, int] = field(default_factory=lambda: defaultdict(int))
    emails: int = 0

    @property
    def summary(self) -> str:
        if not self.reminders:
            return "No returns to chase."
        total = sum(self.reminders.values())
        stages = ", ".join(f"{stage.label.lower()}: {self.reminders[stage]}" for stage in STAGES if stage in self.reminders)
        returns = "1 return" if total == 1 else f"{total} returns"
        emails = "1 email" if self.emails == 1 else f"{self.emails} emails"
        return f"Chased {returns} ({stages}); {emails} queued."


class RecipientKind:
    """Why someone gets a chase email (the emails say so)."""

    NAMED_CONTACT = "named_contact"  # of the organisation
    ORGANISATION_ADMIN = "organisation_admin"
    LOCAL_AUTHORITY = "local_authority"  # a named contact of an LA hosting the organisation's homes
    ESCALATION_OFFICER = "escalation_officer"


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    kind: str  # a RecipientKind
    link: str  # the page the email links to
    authority: str | None = None  # for LOCAL_AUTHORITY: which one


def chase_overdue_returns(session: Session, as_of: datetime) -> str:
    """The chase_overdue_returns job: sends the reminders and escalations due on as_of's London day."""
    today = london_day(as_of)
    ensure_periods_saved(session, today)
    report = ChaseReport()
    for period in periods_to_chase(session, today):
        stage = stage_due(period, today)
        organisation_ids = organisations_to_chase(session, period, stage)
        escalation_officers = (
            _escalation_officers(session, period) if organisation_ids and stage == ReminderStage.ESCALATED else []
        )
        for chunk in _chunks(organisation_ids, CHUNK_SIZE):
            _chase_chunk(session, period, stage, chunk, today, as_of, report, escalation_officers)
            session.commit()
    return report.summary


def periods_to_chase(session: Session, today: date) -> list[ReturnPeriod]:
    """Periods whose first chase date has come, oldest first."""
    return list(
        session.scalars(
            select(ReturnPeriod)
            .where(ReturnPeriod.due_on <= today - timedelta(days=FIRST_OFFSET))
            .order_by(ReturnPeriod.starts_on)
        )
    )


def organisations_to_chase(session: Session, period: ReturnPeriod, stage: ReminderStage) -> list[int]:
    """Organisations that owe the return, have not submitted it, and have been sent neither this
    stage nor a later one."""
    owing = set(session.scalars(owing_organisation_ids(session, period)))
    submitted = set(session.scalars(
        select(AttestationReturn.organisation_id)
        .join(AttestationSubmission, AttestationSubmission.return_id == AttestationReturn.id)
        .where(AttestationReturn.period_id == period.id)
    ))
    latest_sent: dict[int, int] = {}
    for organisation_id, sent_stage in session.execute(
        select(ReturnReminder.organisation_id, ReturnReminder.stage).where(ReturnReminder.period_id == period.id)
    ):
        latest_sent[organisation_id] = max(latest_sent.get(organisation_id, -1), RANK[ReminderStage(sent_stage)])
    return sorted(
        organisation_id for organisation_id in owing - submitted
        if latest_sent.get(organisation_id, -1) < RANK[stage]
    )


def _chase_chunk(session: Session, period: ReturnPeriod, stage: ReminderStage, organisation_ids: list[int],
                 today: date, now: datetime, report: ChaseReport, escalation_officers) -> None:
    names = dict(session.execute(
        select(ProviderOrganisation.id, ProviderOrganisation.name).where(ProviderOrganisation.id.in_(organisation_ids))
    ).all())
    contacts = _provider_contacts(session, organisation_ids)
    if stage == ReminderStage.ESCALATED:
        recipients = _escalation_recipients(session, period, organisation_ids, escalation_officers)
    else:
        recipients = _provider_recipients(session, organisation_ids, contacts)
    reminder_table = ReturnReminder.__table__
    inserted = session.execute(
        insert_ignoring_duplicates(session, reminder_table, ["organisation_id", "period_id", "stage"])
        .returning(reminder_table.c.id, reminder_table.c.organisation_id),
        [
            {
                "organisation_id": organisation_id,
                "period_id": period.id,
                "stage": stage,
                "sent_on": today,
                "created_at": now,
                "recipients": [recipient.email for recipient in recipients[organisation_id]],
            }
            for organisation_id in organisation_ids
        ],
    ).all()
    emails, escalations = [], []
    for reminder_id, organisation_id in inserted:
        report.reminders[stage] += 1
        for recipient in recipients[organisation_id]:
            emails.append(_email(period, stage, organisation_id, names[organisation_id], recipient,
                                 contacts.get(organisation_id, []), today, now))
        if stage == ReminderStage.ESCALATED:
            escalations.append(_escalation_event(reminder_id, period, organisation_id, recipients, now))
    queue_emails(session, emails)
    report.emails += len(emails)
    record_many(session, escalations)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# Who is told


@dataclass(frozen=True)
class ProviderContactDetails:
    name: str
    role: str
    email: str
    phone: str


def _provider_contacts(session: Session, organisation_ids: list[int]) -> dict[int, list[ProviderContactDetails]]:
    contacts = defaultdict(list)
    for organisation_id, name, role, email, phone in session.execute(
        select(ProviderContact.organisation_id, ProviderContact.name, ProviderContact.role, ProviderContact.email,
               ProviderContact.phone)
        .where(ProviderContact.organisation_id.in_(organisation_ids), ProviderContact.retired_at.is_(None))
        .order_by(ProviderContact.name, ProviderContact.id)
    ):
        contacts[organisation_id].append(ProviderContactDetails(name, role, email, phone))
    return contacts


def _active_users(*conditions):
    return select(User.full_name, User.email).where(*can_sign_in(), *conditions)


def _provider_recipients(session: Session, organisation_ids: list[int],
                         contacts: dict[int, list[ProviderContactDetails]]) -> dict[int, list[Recipient]]:
    """The organisation's current named contacts, then its active organisation admins (each address once)."""
    link = email_link("returns.returns")
    found: dict[int, list[Recipient]] = defaultdict(list)
    for organisation_id, details in contacts.items():
        for contact in details:
            found[organisation_id].append(Recipient(contact.name, contact.email, RecipientKind.NAMED_CONTACT, link))
    admins = session.execute(
        _active_users(*is_active_organisation_admin(), User.organisation_id.in_(organisation_ids))
        .add_columns(User.organisation_id)
        .order_by(User.full_name, User.id)
    )
    for name, email, organisation_id in admins:
        found[organisation_id].append(Recipient(name, email, RecipientKind.ORGANISATION_ADMIN, link))
    return defaultdict(list, {
        organisation_id: _once_per_address(people) for organisation_id, people in found.items()
    })


def _escalation_officers(session: Session, period: ReturnPeriod) -> list[Recipient]:
    link = email_link("compliance.overview", period=period.id)
    return [
        Recipient(name, email, RecipientKind.ESCALATION_OFFICER, link)
        for name, email in session.execute(
            _active_users(User.role == Role.ESCALATION_OFFICER).order_by(User.full_name, User.id)
        )
    ]


def _escalation_recipients(session: Session, period: ReturnPeriod, organisation_ids: list[int],
                           escalation_officers: list[Recipient]) -> dict[int, list[Recipient]]:
    """The named contacts of the LAs hosting the organisation's open or planned homes, then every
    active escalation officer (each address once)."""
    hosts = defaultdict(set)
    for organisation_id, authority_id in session.execute(
        select(ProviderHome.organisation_id, ProviderHome.host_local_authority_id)
        .where(ProviderHome.organisation_id.in_(organisation_ids), ProviderHome.status != HomeStatus.CLOSED)
        .distinct()
    ):
        hosts[organisation_id].add(authority_id)
    link = email_link("compliance.table", period=period.id)
    named_by_authority = defaultdict(list)
    for authority_id, authority_name, name, email in session.execute(
        select(LocalAuthorityNamedContact.local_authority_id, LocalAuthority.name, User.full_name,
               LocalAuthorityNamedContact.email)
        .join(User, User.id == LocalAuthorityNamedContact.user_id)
        .join(LocalAuthority, LocalAuthority.id == LocalAuthorityNamedContact.local_authority_id)
        .where(
            LocalAuthorityNamedContact.ended_at.is_(None),
            LocalAuthorityNamedContact.local_authority_id.in_({a for ids in hosts.values() for a in ids} or {0}),
            User.deactivated_at.is_(None),
        )
        .order_by(LocalAuthority.name, User.full_name, LocalAuthorityNamedContact.id)
    ):
        named_by_authority[authority_id].append(
            Recipient(name, email, RecipientKind.LOCAL_AUTHORITY, link, authority_name)
        )
    recipients = {}
    for organisation_id in organisation_ids:
        local = [r for authority_id in sorted(hosts[organisation_id]) for r in named_by_authority[authority_id]]
        recipients[organisation_id] = _once_per_address(local + escalation_officers)
    return recipients


def _once_per_address(recipients: Iterable[Recipient]) -> list[Recipient]:
    seen, once = set(), []
    for recipient in recipients:
        if recipient.email.lower() not in seen:
            seen.add(recipient.email.lower())
            once.append(recipient)
    return once


# The emails


SUBJECTS = {
    ReminderStage.DUE_IN_7_DAYS: "Reminder: your quarterly return for {period} is due on {due}",
    ReminderStage.DUE_TODAY: "Your quarterly return for {period} is due today",
    ReminderStage.OVERDUE_1_DAY: "Overdue: your quarterly return for {period} was due on {due}",
    ReminderStage.OVERDUE_7_DAYS: "Still overdue: your quarterly return for {period} was due on {due}",
    ReminderStage.ESCALATED: "Escalated: {organisation} has not sent its quarterly return for {period}",
}


def long_date(day: date) -> str:
    return f"{day:%-d %B %Y}"


def days(number: int) -> str:
    return "1 day" if number == 1 else f"{number} days"


def where_it_stands(organisation_name: str, period: ReturnPeriod, today: date) -> str:
    """The reminder's first sentence, true on the day it is sent (plain text: templates escape it)."""
    which = f"The quarterly return of {organisation_name} for {period.label} ({period.months})"
    due_on = long_date(period.due_on)
    if today < period.due_on:
        return f"{which} is due on {due_on}, in {days((period.due_on - today).days)}."
    if today == period.due_on:
        return f"{which} is due today, {due_on}."
    return f"{which} was due on {due_on}. It is {days((today - period.due_on).days)} overdue."


def dedupe_key(period_id: int, organisation_id: int, stage: ReminderStage, address: str) -> str:
    key = f"return-reminder:{period_id}:{organisation_id}:{stage}:{address.lower()}"
    if len(key) > DEDUPE_KEY_LENGTH:
        key = f"return-reminder:{period_id}:{organisation_id}:{stage}:{hashlib.sha256(address.lower().encode()).hexdigest()}"
    return key


def _email(period: ReturnPeriod, stage: ReminderStage, organisation_id: int, organisation_name: str,
           recipient: Recipient, contacts: list[ProviderContactDetails], today: date, now: datetime) -> dict:
    subject = SUBJECTS[stage].format(period=period.label, due=long_date(period.due_on), organisation=organisation_name)
    template = "return_escalated" if stage == ReminderStage.ESCALATED else "return_reminder"
    context = {
        "recipient": recipient,
        "organisation_name": organisation_name,
        "period": period,
        "stage": stage.value,
        "due_on": long_date(period.due_on),
        "standing": where_it_stands(organisation_name, period, today),
        "overdue_for": days((today - period.due_on).days),
        "days_overdue": (today - period.due_on).days,
        "escalates_on": long_date(stage_date(period, ReminderStage.ESCALATED)),
        "contacts": contacts,
    }
    return rendered_email(
        to=recipient.email,
        subject=subject,
        template=template,
        dedupe_key=dedupe_key(period.id, organisation_id, stage, recipient.email),
        now=now,
        **context,
    )


def _escalation_event(reminder_id: int, period: ReturnPeriod, organisation_id: int, recipients, now: datetime) -> dict:
    """An audit event "return.escalated" (written in bulk with the chunk's others)."""
    return event_row(
        SYSTEM, "return.escalated", ReturnReminder.__name__, reminder_id, now,
        organisation_id=organisation_id, period_id=period.id, recipients=len(recipients[organisation_id]),
    )


# What providers see


def reminders_for(session: Session, organisation_id: int) -> list[ReturnReminder]:
    """The chases sent about the organisation's returns, newest first, with their periods loaded."""
    return list(
        session.scalars(
            select(ReturnReminder)
            .join(ReturnReminder.period)
            .options(contains_eager(ReturnReminder.period))
            .where(ReturnReminder.organisation_id == organisation_id)
            .order_by(ReturnReminder.sent_on.desc(), ReturnReminder.id.desc())
        )
    )


@dataclass(frozen=True)
class LateReturn:
    period: ReturnPeriod
    escalated: bool


def late_returns(session: Session, organisation_id: int, today: date) -> list[LateReturn]:
    """The organisation's owed returns past their due date and not submitted, oldest first."""
    first_signed_at = session.scalar(
        select(func.min(CovenantSignature.signed_at)).where(CovenantSignature.organisation_id == organisation_id)
    )
    if first_signed_at is None:
        return []
    periods = [
        period for period in session.scalars(
            select(ReturnPeriod).where(ReturnPeriod.due_on < today).order_by(ReturnPeriod.starts_on)
        )
        if first_signed_at < start_of_london_day(period.starts_on)
    ]
    if not periods:
        return []
    submitted = set(session.scalars(
        select(AttestationReturn.period_id)
        .join(AttestationSubmission, AttestationSubmission.return_id == AttestationReturn.id)
        .where(AttestationReturn.organisation_id == organisation_id)
    ))
    escalated = set(session.scalars(
        select(ReturnReminder.period_id).where(
            ReturnReminder.organisation_id == organisation_id, ReturnReminder.stage == ReminderStage.ESCALATED
        )
    ))
    return [LateReturn(period, period.id in escalated) for period in periods if period.id not in submitted]
