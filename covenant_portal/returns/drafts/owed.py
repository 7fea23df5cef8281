"""Finding a provider's returns: by id or period, the periods it owes, and the signed version a
draft is compared with."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.returns.calendar.periods import (
    DEFAULT_DUE_DAYS,
    new_period,
    next_quarter,
    open_periods,
    owes_return,
    quarter_of,
)
from covenant_portal.filters import london_day

from covenant_portal.returns.models import (
    QuarterlyReturn,
    ReturnPeriod,
    ReturnSubmission,
)
from covenant_portal.returns.status import ReturnState, return_days_late, return_states, state_label


def return_of(session: Session, organisation_id: int, return_id: int) -> QuarterlyReturn | None:
    """The organisation's return; another organisation's is not found."""
    found = session.get(QuarterlyReturn, return_id)
    return found if found is not None and found.organisation_id == organisation_id else None


def return_for_period(session: Session, organisation_id: int, period_id: int) -> QuarterlyReturn | None:
    return session.scalar(
        select(QuarterlyReturn).where(
            QuarterlyReturn.organisation_id == organisation_id, QuarterlyReturn.period_id == period_id
        )
    )


def owed_period(session: Session, organisation_id: int, period_id: int, now: datetime) -> ReturnPeriod | None:
    """The period if it has opened and the organisation owes a return for it; else None."""
    period = session.get(ReturnPeriod, period_id)
    if period is None or period.opens_on > london_day(now) or not owes_return(session, organisation_id, period):
        return None
    return period


def last_signed_submission(session: Session, organisation_id: int, period: ReturnPeriod) -> ReturnSubmission | None:
    """The latest signed version of the organisation's most recent return for an earlier quarter."""
    return session.scalar(
        select(ReturnSubmission)
        .join(QuarterlyReturn, ReturnSubmission.return_id == QuarterlyReturn.id)
        .join(ReturnPeriod, QuarterlyReturn.period_id == ReturnPeriod.id)
        .where(QuarterlyReturn.organisation_id == organisation_id, ReturnPeriod.starts_on < period.starts_on)
        .order_by(ReturnPeriod.starts_on.desc(), ReturnSubmission.version.desc())
        .limit(1)
    )


def compared_submission(session: Session, quarterly_return: QuarterlyReturn) -> ReturnSubmission | None:
    """What the draft is compared with, "what changed since the last return": this return's latest
    signed version when correcting it, else the last signed return of an earlier quarter."""
    return quarterly_return.latest_submission or last_signed_submission(
        session, quarterly_return.organisation_id, quarterly_return.period
    )


@dataclass(frozen=True)
class OwedReturn:
    """A period the organisation owes a return for, where its return stands, and whether it can
    start from an earlier signed return."""

    period: ReturnPeriod
    state: ReturnState
    quarterly_return: QuarterlyReturn | None
    carries_over_from: ReturnPeriod | None  # the quarter whose signed return "start from" would copy

    @property
    def can_carry_over(self) -> bool:
        return self.carries_over_from is not None

    @property
    def carry_over_text(self) -> str:
        """The start button's words: "last quarter's" only if the quarter before is the one copied."""
        source = self.carries_over_from
        if source is None or next_quarter(source.financial_year, source.quarter) == (
            self.period.financial_year,
            self.period.quarter,
        ):
            return "Start from last quarter’s answers"
        return f"Start from your {source.label} answers"

    @property
    def state_text(self) -> str:
        """The state in words, "Submitted late (N days)" if it was signed after its due date."""
        late = return_days_late(self.quarterly_return) if self.quarterly_return is not None else None
        return state_label(self.state, late)


def owed_returns(session: Session, organisation_id: int, today: date) -> list[OwedReturn]:
    """Every opened period the organisation owes a return for, newest first."""
    returns = {
        r.period_id: r
        for r in session.scalars(select(QuarterlyReturn).where(QuarterlyReturn.organisation_id == organisation_id))
    }
    signed_periods = list(
        session.scalars(
            select(ReturnPeriod)
            .join(QuarterlyReturn, QuarterlyReturn.period_id == ReturnPeriod.id)
            .join(ReturnSubmission, ReturnSubmission.return_id == QuarterlyReturn.id)
            .where(QuarterlyReturn.organisation_id == organisation_id)
            .order_by(ReturnPeriod.starts_on.desc())
        )
    )
    owed = []
    for period in open_periods(session, today):
        state = return_states(session, period, today, [organisation_id]).get(organisation_id)
        if state is not None:
            owed.append(
                OwedReturn(
                    period,
                    state,
                    returns.get(period.id),
                    # as last_signed_submission picks it: the latest earlier quarter with a signed return
                    next((signed for signed in signed_periods if signed.starts_on < period.starts_on), None),
                )
            )
    return owed


def upcoming_period(
    session: Session, organisation_id: int, today: date, due_days: int = DEFAULT_DUE_DAYS
) -> ReturnPeriod | None:
    """The next period the organisation will owe a return for whose return has not opened yet: the
    current quarter, or the first quarter after its first covenant signature if that is later (the
    rule of `owes_return_clause`). The saved period if there is one (its due date may have been
    moved), else the period as it will be made, not saved. None if it has never signed."""
    first_signed_at = session.scalar(
        select(func.min(CovenantSignature.signed_at)).where(CovenantSignature.organisation_id == organisation_id)
    )
    if first_signed_at is None:
        return None
    financial_year, quarter = max(next_quarter(*quarter_of(london_day(first_signed_at))), quarter_of(today))
    saved = session.scalar(
        select(ReturnPeriod).where(ReturnPeriod.financial_year == financial_year, ReturnPeriod.quarter == quarter)
    )
    return saved if saved is not None else new_period(financial_year, quarter, due_days)
