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

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from covenant_portal.accounts.models import ProviderOrganisation

from covenant_portal.returns.calendar.service import CalendarSettings, ensure_periods_saved
from covenant_portal.returns.models import (
    QuarterlyReturn,
    ReturnSubmission,
    ReminderStage,
    ReturnPeriod,
    ReturnReminder,
)
from covenant_portal.returns.calendar.periods import (
    owing_organisation_ids,
    start_of_london_day,
)
from covenant_portal.filters import london_day
from covenant_portal.audit.service import record_many
from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.db import insert_ignoring_duplicates
from covenant_portal.returns.chasing.emails import chase_email, escalation_event
from covenant_portal.returns.chasing.recipients import (
    escalation_officers,
    escalation_recipients,
    provider_contacts,
    provider_recipients,
)
from covenant_portal.returns.chasing.stages import FIRST_OFFSET, RANK, STAGES, stage_due
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_emails

CHUNK_SIZE = 500


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
        stages = ", ".join(
            f"{stage.label.lower()}: {self.reminders[stage]}" for stage in STAGES if stage in self.reminders
        )
        returns = "1 return" if total == 1 else f"{total} returns"
        emails = "1 email" if self.emails == 1 else f"{self.emails} emails"
        return f"Chased {returns} ({stages}); {emails} queued."


def chase_returns(session: Session, calendar: CalendarSettings, links: Links, as_of: datetime) -> str:
    """What the chase_overdue_returns job does (returns/jobs.py): makes the periods up to as_of's London
    day, then sends the reminders and escalations due on it."""
    today = london_day(as_of)
    ensure_periods_saved(session, calendar, today)
    report = ChaseReport()
    for period in periods_to_chase(session, today):
        stage = stage_due(period, today)
        organisation_ids = organisations_to_chase(session, period, stage)
        escalating = organisation_ids and stage == ReminderStage.ESCALATED
        officers = escalation_officers(session, links, period) if escalating else []
        for chunk in _chunks(organisation_ids, CHUNK_SIZE):
            _chase_chunk(session, links, period, stage, chunk, today, as_of, report, officers)
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
    submitted = set(
        session.scalars(
            select(QuarterlyReturn.organisation_id)
            .join(ReturnSubmission, ReturnSubmission.return_id == QuarterlyReturn.id)
            .where(QuarterlyReturn.period_id == period.id)
        )
    )
    latest_sent: dict[int, int] = {}
    for organisation_id, sent_stage in session.execute(
        select(ReturnReminder.organisation_id, ReturnReminder.stage).where(ReturnReminder.period_id == period.id)
    ):
        latest_sent[organisation_id] = max(latest_sent.get(organisation_id, -1), RANK[ReminderStage(sent_stage)])
    return sorted(
        organisation_id for organisation_id in owing - submitted if latest_sent.get(organisation_id, -1) < RANK[stage]
    )


def _chase_chunk(
    session: Session,
    links: Links,
    period: ReturnPeriod,
    stage: ReminderStage,
    organisation_ids: list[int],
    today: date,
    now: datetime,
    report: ChaseReport,
    escalation_officers,
) -> None:
    names = dict(
        session.execute(
            select(ProviderOrganisation.id, ProviderOrganisation.name).where(
                ProviderOrganisation.id.in_(organisation_ids)
            )
        ).all()
    )
    contacts = provider_contacts(session, organisation_ids)
    if stage == ReminderStage.ESCALATED:
        recipients = escalation_recipients(session, links, period, organisation_ids, escalation_officers)
    else:
        recipients = provider_recipients(session, links, organisation_ids, contacts)
    reminder_table = ReturnReminder.__table__
    inserted = session.execute(
        insert_ignoring_duplicates(session, reminder_table, ["organisation_id", "period_id", "stage"]).returning(
            reminder_table.c.id, reminder_table.c.organisation_id
        ),
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
            emails.append(
                chase_email(
                    period,
                    stage,
                    organisation_id,
                    names[organisation_id],
                    recipient,
                    contacts.get(organisation_id, []),
                    today,
                    now,
                )
            )
        if stage == ReminderStage.ESCALATED:
            escalations.append(escalation_event(reminder_id, period, organisation_id, recipients, now))
    queue_emails(session, emails)
    report.emails += len(emails)
    record_many(session, escalations)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
        period
        for period in session.scalars(
            select(ReturnPeriod).where(ReturnPeriod.due_on < today).order_by(ReturnPeriod.starts_on)
        )
        if first_signed_at < start_of_london_day(period.starts_on)
    ]
    if not periods:
        return []
    submitted = set(
        session.scalars(
            select(QuarterlyReturn.period_id)
            .join(ReturnSubmission, ReturnSubmission.return_id == QuarterlyReturn.id)
            .where(QuarterlyReturn.organisation_id == organisation_id)
        )
    )
    escalated = set(
        session.scalars(
            select(ReturnReminder.period_id).where(
                ReturnReminder.organisation_id == organisation_id, ReturnReminder.stage == ReminderStage.ESCALATED
            )
        )
    )
    return [LateReturn(period, period.id in escalated) for period in periods if period.id not in submitted]
