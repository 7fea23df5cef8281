"""The returns calendar as admins see it: the periods (made as the quarters come) and who moved a
due date, from when, and why. The rules themselves are in periods.py."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.returns.models import ReturnPeriod
from covenant_portal.returns.calendar.periods import DEFAULT_DUE_DAYS, ensure_periods
from covenant_portal.audit.models import AuditEvent

DUE_DATE_CHANGED = "return_period.due_date_changed"  # the audit action periods.adjust_due_date records


@dataclass(frozen=True)
class CalendarSettings:
    due_days: int  # RETURN_DUE_DAYS: days after a return opens that it is due

    @classmethod
    def from_config(cls, config) -> "CalendarSettings":
        return cls(due_days=int(config.get("RETURN_DUE_DAYS", DEFAULT_DUE_DAYS)))


def ensure_periods_saved(session: Session, settings: CalendarSettings, today: date) -> list[ReturnPeriod]:
    """`periods.ensure_periods`, committed; every period, oldest first. Run at start-up and by the
    daily chase job, never by a page. Two processes adding the same period at once is harmless: the
    loser's insert is refused by the unique (financial_year, quarter) and it reads the winner's."""
    try:
        periods = ensure_periods(session, today, settings.due_days)
        session.commit()
        return periods
    except IntegrityError:
        session.rollback()
        return ensure_periods(session, today, settings.due_days)


@dataclass(frozen=True)
class Adjustment:
    """The latest move of a period's due date."""

    previous: date | None  # the due date before it
    by: str  # who moved it
    at: datetime
    reason: str


def adjustments(session: Session, periods: list[ReturnPeriod]) -> dict[int, Adjustment]:
    """The latest adjustment of each period whose due date an admin moved, by period id."""
    adjusted = [period for period in periods if period.due_adjusted_at is not None]
    if not adjusted:
        return {}
    previous: dict[str, date] = {}
    for object_id, details in session.execute(
        select(AuditEvent.object_id, AuditEvent.details)
        .where(
            AuditEvent.action == DUE_DATE_CHANGED,
            AuditEvent.object_type == ReturnPeriod.__name__,
            AuditEvent.object_id.in_([str(period.id) for period in adjusted]),
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ):
        if details and details.get("previous"):
            previous[object_id] = date.fromisoformat(details["previous"])  # the latest wins
    user_ids = {period.due_adjusted_by_id for period in adjusted if period.due_adjusted_by_id is not None}
    names = (
        dict(session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids))).all()) if user_ids else {}
    )
    return {
        period.id: Adjustment(
            previous=previous.get(str(period.id)),
            by=names.get(period.due_adjusted_by_id, "an administrator"),
            at=period.due_adjusted_at,
            reason=period.due_adjustment_reason or "",
        )
        for period in adjusted
    }
