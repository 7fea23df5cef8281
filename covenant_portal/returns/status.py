"""Where each organisation's return for a period stands, worked out in SQL for many organisations at
once (dashboards, the LA compliance table, the overview, the provider's list of returns all ask)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, case, func, literal, select
from sqlalchemy.orm import Session, aliased

from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.returns.models import (
    QuarterlyReturn,
    ReturnSubmission,
    ReminderStage,
    ReturnPeriod,
    ReturnReminder,
)
from covenant_portal.returns.calendar.periods import owes_return_clause
from covenant_portal.filters import london_day


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


# Lateness: the one rule for "Submitted late (N days)", asked by every view of a submitted return.


def days_late(period: ReturnPeriod, first_signed_at: datetime | None) -> int | None:
    """How many days after the period's due date its return was first signed (version 1, London
    day; a later correction does not make it late), or None if signed on time or not signed."""
    if first_signed_at is None:
        return None
    late = (london_day(first_signed_at) - period.due_on).days
    return late if late > 0 else None


def late_label(late: int) -> str:
    return f"Submitted late ({late} {'day' if late == 1 else 'days'})"


def return_days_late(quarterly_return: QuarterlyReturn) -> int | None:
    """days_late of a return, from its first signed version."""
    first = quarterly_return.submissions[0] if quarterly_return.submissions else None
    return days_late(quarterly_return.period, first.signed_at if first is not None else None)


def state_label(state: ReturnState, late: int | None) -> str:
    """A state in words, with the lateness of a submitted return ("Submitted late (3 days)")."""
    return late_label(late) if state == ReturnState.SUBMITTED and late else state.label


def first_signed_at_clause() -> ColumnElement:
    """When the return (QuarterlyReturn of the query) was first signed, as SQL, for days_late."""
    first = aliased(ReturnSubmission)  # the query may join the latest version as ReturnSubmission
    return select(func.min(first.signed_at)).where(first.return_id == QuarterlyReturn.id).scalar_subquery()


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
