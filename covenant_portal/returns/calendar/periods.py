"""The returns calendar: financial-year quarters, when each return opens and is due, and who owes one.

A return opens the day after its quarter ends and is due `RETURN_DUE_DAYS` days after it opens; a
due date on a weekend or an England bank holiday moves to the next working day. An organisation owes
a return for every quarter that starts after it first signed the covenant (`owes_return_clause`).
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.returns.models import ReturnPeriod
from covenant_portal.audit.service import Actor
from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.filters import LONDON, london_day
from covenant_portal.web.working_days import next_working_day

DEFAULT_DUE_DAYS = 28


class CalendarError(ValueError):
    """An adjustment to the calendar breaks its rules; the message is fit to show the user."""


def start_of_london_day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), LONDON)


def quarter_of(day: date) -> tuple[int, int]:
    """(financial year, quarter) of a day: 2026-04-01 is (2026, 1), 2027-02-10 is (2026, 4)."""
    if day.month >= 4:
        return day.year, (day.month - 4) // 3 + 1
    return day.year - 1, 4


def quarter_dates(financial_year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of a quarter."""
    first_month = (quarter - 1) * 3 + 4
    year = financial_year if first_month <= 12 else financial_year + 1
    first_month = (first_month - 1) % 12 + 1
    starts_on = date(year, first_month, 1)
    next_start = date(year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    return starts_on, next_start - timedelta(days=1)


def next_quarter(financial_year: int, quarter: int) -> tuple[int, int]:
    return (financial_year, quarter + 1) if quarter < 4 else (financial_year + 1, 1)


def default_due_date(ends_on: date, due_days: int = DEFAULT_DUE_DAYS) -> date:
    opens_on = ends_on + timedelta(days=1)
    return next_working_day(opens_on + timedelta(days=due_days))


def new_period(financial_year: int, quarter: int, due_days: int = DEFAULT_DUE_DAYS) -> ReturnPeriod:
    starts_on, ends_on = quarter_dates(financial_year, quarter)
    return ReturnPeriod(
        financial_year=financial_year,
        quarter=quarter,
        starts_on=starts_on,
        ends_on=ends_on,
        opens_on=ends_on + timedelta(days=1),
        due_on=default_due_date(ends_on, due_days),
    )


def ensure_periods(session: Session, today: date, due_days: int = DEFAULT_DUE_DAYS) -> list[ReturnPeriod]:
    """Adds (and flushes, not commits) every missing period from the quarter of the first covenant
    signature to the current quarter, and returns all periods, oldest first."""
    first_signed_at = session.scalar(select(func.min(CovenantSignature.signed_at)))
    if first_signed_at is not None:
        existing = {(p.financial_year, p.quarter) for p in session.scalars(select(ReturnPeriod))}
        year_quarter, last = quarter_of(london_day(first_signed_at)), quarter_of(today)
        while year_quarter <= last:
            if year_quarter not in existing:
                session.add(new_period(*year_quarter, due_days=due_days))
            year_quarter = next_quarter(*year_quarter)
        session.flush()
    return all_periods(session)


def all_periods(session: Session) -> list[ReturnPeriod]:
    return list(session.scalars(select(ReturnPeriod).order_by(ReturnPeriod.starts_on)))


def open_periods(session: Session, today: date) -> list[ReturnPeriod]:
    """Periods whose return has opened by today, newest first."""
    return list(
        session.scalars(
            select(ReturnPeriod).where(ReturnPeriod.opens_on <= today).order_by(ReturnPeriod.starts_on.desc())
        )
    )


def period_by_id(session: Session, period_id: int) -> ReturnPeriod | None:
    return session.get(ReturnPeriod, period_id)


def owes_return_clause(period: ReturnPeriod, organisation_id) -> ColumnElement[bool]:
    """The one definition of "owes a return", as SQL for a WHERE clause: true where the organisation
    (a column such as ProviderOrganisation.id, or an id) signed the covenant, any version, before the
    period's quarter started. Every question of who owes a return (the calendar, the draft pages,
    the states of returns, the compliance table, the chase) is asked with it."""
    return (
        select(CovenantSignature.id)
        .where(
            CovenantSignature.organisation_id == organisation_id,
            CovenantSignature.signed_at < start_of_london_day(period.starts_on),
        )
        .exists()
    )


def owing_organisation_ids(session: Session, period: ReturnPeriod) -> Select:
    """A SELECT of the ids of organisations that owe a return for the period (use it in `.in_()` or
    run it)."""
    return select(ProviderOrganisation.id).where(owes_return_clause(period, ProviderOrganisation.id))


def owes_return(session: Session, organisation_id: int, period: ReturnPeriod) -> bool:
    return bool(session.scalar(select(owes_return_clause(period, organisation_id))))


def adjust_due_date(
    session: Session, period: ReturnPeriod, due_on: date, reason: str, actor: Actor, now: datetime
) -> None:
    """An admin moves a period's due date (say, for a local holiday or a system outage)."""
    if due_on < period.opens_on:
        raise CalendarError(f"The due date must be on or after {period.opens_on:%-d %B %Y}, when the return opens.")
    if not reason.strip():
        raise CalendarError("Say why the due date is changing.")
    previous = period.due_on
    period.due_on = due_on
    period.due_adjusted_at = now
    period.due_adjusted_by_id = actor.user_id
    period.due_adjustment_reason = reason.strip()
    audit.record(
        session,
        actor,
        "return_period.due_date_changed",
        period,
        now,
        previous=previous.isoformat(),
        due_on=due_on.isoformat(),
        reason=reason.strip(),
    )
    session.commit()
