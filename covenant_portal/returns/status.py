"""Where each organisation's return for a period stands, worked out in SQL for many organisations at
once (dashboards, the LA compliance table, the overview, the provider's list of returns all ask)."""

from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, case, literal, select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.returns.models import (
    QuarterlyReturn,
    ReturnSubmission,
    ReminderStage,
    ReturnPeriod,
    ReturnReminder,
)
from covenant_portal.returns.calendar.periods import owes_return_clause


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


def state_clause(period: ReturnPeriod, today: date) -> ColumnElement[str]:
    """Where an organisation's return for the period stands (a ReturnState value), as SQL, for a
    query of ProviderOrganisation outer-joined to its QuarterlyReturn for the period (see
    owed_return_states): submitted once any version is signed; else escalated once the escalation
    was sent; else overdue past the due date; else draft if a draft is saved; else not started."""
    signed = select(ReturnSubmission.id).where(ReturnSubmission.return_id == QuarterlyReturn.id).exists()
    escalated = (
        select(ReturnReminder.id)
        .where(
            ReturnReminder.organisation_id == ProviderOrganisation.id,
            ReturnReminder.period_id == period.id,
            ReturnReminder.stage == ReminderStage.ESCALATED,
        )
        .exists()
    )
    whens = [(signed, ReturnState.SUBMITTED.value), (escalated, ReturnState.ESCALATED.value)]
    if today > period.due_on:
        return case(*whens, else_=literal(ReturnState.OVERDUE.value))
    whens.append((QuarterlyReturn.draft.is_not(None), ReturnState.DRAFT.value))
    return case(*whens, else_=literal(ReturnState.NOT_STARTED.value))


def owed_return_states(period: ReturnPeriod, today: date) -> Select:
    """A SELECT of (organisation_id, name, state) of every organisation that owes a return for the
    period (periods.owes_return_clause) and where its return stands (state_clause)."""
    return (
        select(
            ProviderOrganisation.id.label("organisation_id"),
            ProviderOrganisation.name.label("name"),
            state_clause(period, today).label("state"),
        )
        .outerjoin(
            QuarterlyReturn,
            (QuarterlyReturn.organisation_id == ProviderOrganisation.id) & (QuarterlyReturn.period_id == period.id),
        )
        .where(owes_return_clause(period, ProviderOrganisation.id))
    )


def return_states(
    session: Session, period: ReturnPeriod, today: date, organisation_ids: list[int] | Select | None = None
) -> dict[int, ReturnState]:
    """The state of every owed return of the period (or of the organisations named: a list or a
    SELECT of ids), by organisation id, in one query. Organisations that owe no return for the
    period are left out."""
    query = owed_return_states(period, today)
    if organisation_ids is not None:
        query = query.where(ProviderOrganisation.id.in_(organisation_ids))
    return {organisation_id: ReturnState(state) for organisation_id, _name, state in session.execute(query)}
