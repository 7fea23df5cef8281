"""Where each organisation's return for a period stands, worked out for many organisations at once
(dashboards, the LA compliance table, the overview and the chase job all ask)."""
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.returns.models import (
    QuarterlyReturn,
    ReturnSubmission,
    ReminderStage,
    ReturnPeriod,
    ReturnReminder,
)
from covenant_portal.returns.calendar.periods import owing_organisation_ids
from covenant_portal.covenant.models import CovenantSignature


class ReturnState(StrEnum):
    NOT_STARTED = "not_started"  # open and not yet due, nothing saved
    DRAFT = "draft"  # a draft saved, not yet due
    SUBMITTED = "submitted"
    OVERDUE = "overdue"  # past its due date, not submitted
    ESCALATED = "escalated"  # overdue long enough for the LAs and escalation officers to be told

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    ReturnState.NOT_STARTED: "Not started",
    ReturnState.DRAFT: "Draft",
    ReturnState.SUBMITTED: "Submitted",
    ReturnState.OVERDUE: "Overdue",
    ReturnState.ESCALATED: "Escalated",
}


def return_states(
    session: Session, period: ReturnPeriod, today: date, organisation_ids: list[int] | None = None
) -> dict[int, ReturnState]:
    """The state of every owed return of the period (or of the organisations named), by
    organisation id. Organisations that owe no return for the period are left out."""
    owing = owing_organisation_ids(session, period)
    if organisation_ids is not None:
        owing = owing.where(CovenantSignature.organisation_id.in_(organisation_ids))
    owing_ids = set(session.scalars(owing))
    submitted = set(session.scalars(
        select(QuarterlyReturn.organisation_id)
        .join(ReturnSubmission, ReturnSubmission.return_id == QuarterlyReturn.id)
        .where(QuarterlyReturn.period_id == period.id)
    ))
    drafted = set(session.scalars(
        select(QuarterlyReturn.organisation_id).where(
            QuarterlyReturn.period_id == period.id, QuarterlyReturn.draft.is_not(None)
        )
    ))
    escalated = set(session.scalars(
        select(ReturnReminder.organisation_id).where(
            ReturnReminder.period_id == period.id, ReturnReminder.stage == ReminderStage.ESCALATED
        )
    ))
    return {
        organisation_id: _state(organisation_id, period, today, submitted, drafted, escalated)
        for organisation_id in owing_ids
    }


def _state(organisation_id: int, period: ReturnPeriod, today: date, submitted, drafted, escalated) -> ReturnState:
    if organisation_id in submitted:
        return ReturnState.SUBMITTED
    if organisation_id in escalated:
        return ReturnState.ESCALATED
    if today > period.due_on:
        return ReturnState.OVERDUE
    return ReturnState.DRAFT if organisation_id in drafted else ReturnState.NOT_STARTED
