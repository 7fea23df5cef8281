"""How each LA kept pledge 2 (a named contact for providers), per quarter, for the observatory
(`Area.la_pledge_figures`, duties.py): the days of the quarter on which the LA had no named contact.

A day counts as without a named contact when no named contact was in place at any moment of that
London day (a named contact's time runs from `started_at` until `ended_at`, or until now). Days
after `today` are not counted: the current quarter is measured so far; a quarter that has not begun
has no figure. Each figure's `cases` are the days measured, so a quarter without a named contact on
any day is shown as "All 92 days" and compares as no change with a whole quarter before it, however
many days each had."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import LocalAuthority
from covenant_portal.contacts.models import LocalAuthorityNamedContact
from covenant_portal.db import utcnow
from covenant_portal.web.duties import LaPledgeFigure
from covenant_portal.returns.calendar.periods import quarter_dates
from covenant_portal.filters import london_day

MEASURE = "named_contact_days_without"
LABEL = "Days without a named contact"


def named_contact_figures(
    session: Session, quarters: Sequence[tuple[int, int]], today: date | None = None
) -> Iterable[LaPledgeFigure]:
    """One figure per GM LA per quarter asked for (target 0, lower is better). One query."""
    today = today or london_day(utcnow())
    authorities = session.scalars(
        select(LocalAuthority.id).where(LocalAuthority.is_greater_manchester).order_by(LocalAuthority.name)
    ).all()
    covered: dict[int, list[tuple[date, date]]] = {authority_id: [] for authority_id in authorities}
    for named in session.execute(
        select(
            LocalAuthorityNamedContact.local_authority_id,
            LocalAuthorityNamedContact.started_at,
            LocalAuthorityNamedContact.ended_at,
        )
    ):
        if named.local_authority_id in covered:
            covered[named.local_authority_id].append(_days_touched(named.started_at, named.ended_at, today))
    figures = []
    for financial_year, quarter in quarters:
        starts_on, ends_on = quarter_dates(financial_year, quarter)
        last = min(ends_on, today)
        for authority_id in authorities:
            value = None if last < starts_on else _days_without(covered[authority_id], starts_on, last)
            figures.append(
                LaPledgeFigure(
                    local_authority_id=authority_id,
                    financial_year=financial_year,
                    quarter=quarter,
                    measure=MEASURE,
                    label=LABEL,
                    value=value,
                    target=0,
                    higher_is_better=False,
                    cases=0 if value is None else (last - starts_on).days + 1,
                    of_cases="days",
                )
            )
    return figures


def _days_touched(started_at: datetime, ended_at: datetime | None, today: date) -> tuple[date, date]:
    """The first and last London day a named contact was in place for some of."""
    return london_day(started_at), london_day(ended_at) if ended_at is not None else today


def _days_without(spans: list[tuple[date, date]], first: date, last: date) -> float:
    """How many days from `first` to `last` (inclusive) no span touches."""
    days_covered = set()
    for span_first, span_last in spans:
        day = max(span_first, first)
        while day <= min(span_last, last):
            days_covered.add(day)
            day += timedelta(days=1)
    return float((last - first).days + 1 - len(days_covered))
