"""How each LA kept its side of the covenant on concerns about it (Area.la_pledge_figures), per
financial-year quarter of the concern's logging: the median working days to acknowledge (target 2)
and the percentage resolved within their deadline (target 100). No cases: value None."""

from collections.abc import Iterator, Sequence
from datetime import date
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import LocalAuthority
from covenant_portal.concerns.models import Concern, Side
from covenant_portal.concerns.timers import ACKNOWLEDGEMENT_DAYS, resolved_within_deadline
from covenant_portal.filters import london_day
from covenant_portal.web.duties import LaPledgeFigure
from covenant_portal.web.working_days import working_days_between

ACKNOWLEDGEMENT = "concern_acknowledgement_median_working_days"
RESOLUTION = "concern_resolution_within_deadline_percent"


def quarter_of(day: date) -> tuple[int, int]:
    """(financial year, quarter): April to June 2026 is (2026, 1), January to March 2027 (2026, 4)."""
    year = day.year if day.month >= 4 else day.year - 1
    return year, (day.month - 4) % 12 // 3 + 1


def la_concern_figures(session: Session, quarters: Sequence[tuple[int, int]]) -> Iterator[LaPledgeFigure]:
    wanted = set(quarters)
    by_case: dict[tuple[int, int, int], list[Concern]] = {}
    for concern in session.scalars(select(Concern).where(Concern.about_side == Side.LOCAL_AUTHORITY)):
        logged_in = quarter_of(london_day(concern.logged_at))
        if logged_in in wanted and concern.about_local_authority_id is not None:
            by_case.setdefault((concern.about_local_authority_id, *logged_in), []).append(concern)
    authorities = session.scalars(select(LocalAuthority.id).where(LocalAuthority.is_greater_manchester)).all()
    for authority_id in authorities:
        for financial_year, quarter in quarters:
            concerns = by_case.get((authority_id, financial_year, quarter), [])
            acknowledged = [
                working_days_between(london_day(item.logged_at), london_day(item.acknowledged_at))
                for item in concerns
                if item.acknowledged_at is not None
            ]
            resolved = [found for item in concerns if (found := resolved_within_deadline(item)) is not None]
            yield LaPledgeFigure(
                authority_id,
                financial_year,
                quarter,
                ACKNOWLEDGEMENT,
                "Working days to acknowledge a concern (median)",
                float(median(acknowledged)) if acknowledged else None,
                target=float(ACKNOWLEDGEMENT_DAYS),
                cases=len(acknowledged),
            )
            yield LaPledgeFigure(
                authority_id,
                financial_year,
                quarter,
                RESOLUTION,
                "Share of concerns resolved within their deadline",
                100.0 * sum(resolved) / len(resolved) if resolved else None,
                target=100.0,
                higher_is_better=True,
                cases=len(resolved),
                unit="%",
            )
