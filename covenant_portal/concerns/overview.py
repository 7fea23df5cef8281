"""The officers' overview of concerns: per financial-year quarter of logging and per stage, how
many concerns are in the stage now, how many moved on from it, and the median working days they
spent in it (England bank holidays excluded)."""

from collections.abc import Iterator
from dataclasses import dataclass
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.concerns.figures import quarter_of
from covenant_portal.concerns.models import Concern, Stage
from covenant_portal.concerns.service import STAGE_LABELS
from covenant_portal.filters import london_day
from covenant_portal.web.working_days import working_days_between

# Each stage with when a concern entered it and when it left it.
STAGE_TIMES = (
    (Stage.LOGGED, "logged_at", "acknowledged_at"),
    (Stage.ACKNOWLEDGED, "acknowledged_at", "resolution_proposed_at"),
    (Stage.RESOLUTION_PROPOSED, "resolution_proposed_at", "resolved_at"),
    (Stage.RESOLVED, "resolved_at", "learning_arranged_at"),
    (Stage.LEARNING_ARRANGED, "learning_arranged_at", "held_at"),
    (Stage.LEARNING_HELD, "held_at", "learning_recorded_at"),
    (Stage.LEARNING_RECORDED, "learning_recorded_at", "closed_at"),
)
CSV_HEADER = (
    "financial_year",
    "quarter",
    "stage",
    "concerns_in_stage_now",
    "concerns_moved_on",
    "median_working_days_in_stage",
)


@dataclass(frozen=True)
class StageFigures:
    financial_year: int
    quarter: int
    stage: Stage
    in_stage_now: int
    moved_on: int
    median_working_days: float | None

    @property
    def quarter_label(self) -> str:
        return f"Q{self.quarter} {self.financial_year} to {self.financial_year + 1}"

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    def csv_row(self) -> tuple:
        return (
            f"{self.financial_year}-{(self.financial_year + 1) % 100:02d}",
            self.quarter,
            self.stage.value,
            self.in_stage_now,
            self.moved_on,
            self.median_working_days,
        )


def stage_figures(session: Session) -> list[StageFigures]:
    """Newest quarter first, stages in lifecycle order; quarters with no concern are left out."""
    by_quarter: dict[tuple[int, int], list[Concern]] = {}
    for concern in session.scalars(select(Concern)):
        by_quarter.setdefault(quarter_of(london_day(concern.logged_at)), []).append(concern)
    return [figure for key in sorted(by_quarter, reverse=True) for figure in _quarter(key, by_quarter[key])]


def _quarter(key: tuple[int, int], concerns: list[Concern]) -> Iterator[StageFigures]:
    for stage, entered, left in STAGE_TIMES:
        days = [
            working_days_between(london_day(getattr(item, entered)), london_day(getattr(item, left)))
            for item in concerns
            if getattr(item, entered) is not None and getattr(item, left) is not None
        ]
        now = sum(1 for item in concerns if item.stage is stage)
        yield StageFigures(*key, stage, now, len(days), float(median(days)) if days else None)
