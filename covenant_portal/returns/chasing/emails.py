"""The quarterly-return reminder and escalation emails: subjects, wording and dedupe keys."""

import hashlib
from datetime import date, datetime


from covenant_portal.returns.models import (
    ReminderStage,
    ReturnPeriod,
    ReturnReminder,
)
from covenant_portal.audit.service import SYSTEM, event_row
from covenant_portal.mail.service import rendered_email
from covenant_portal.returns.chasing.recipients import ProviderContactDetails, Recipient
from covenant_portal.returns.chasing.stages import DEDUPE_KEY_LENGTH, stage_date


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


def chase_email(
    period: ReturnPeriod,
    stage: ReminderStage,
    organisation_id: int,
    organisation_name: str,
    recipient: Recipient,
    contacts: list[ProviderContactDetails],
    today: date,
    now: datetime,
) -> dict:
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


def escalation_event(reminder_id: int, period: ReturnPeriod, organisation_id: int, recipients, now: datetime) -> dict:
    """An audit event "return.escalated" (written in bulk with the chunk's others)."""
    return event_row(
        SYSTEM,
        "return.escalated",
        ReturnReminder.__name__,
        reminder_id,
        now,
        organisation_id=organisation_id,
        period_id=period.id,
        recipients=len(recipients[organisation_id]),
    )
