"""An LA's own pledges as its page shows them (duties.LaPledgeFigure, produced by other areas): a
row for each measure with its figure, target and rating in the latest quarter with figures and how
it compares with the quarter before, then each measure's earlier quarters, newest first. Ratings
and the better-or-worse rule are rag.py's; this module only puts the rows together and writes the
figures as the page shows them."""

import math
from dataclasses import dataclass

from covenant_portal.observatory import rag
from covenant_portal.observatory.measures import Quarter
from covenant_portal.web.duties import LaPledgeFigure


@dataclass(frozen=True)
class PledgeQuarter:
    """One measure's figure in one quarter, as shown."""

    quarter: str  # "Q2 2026 to 2027"
    figure: str  # "20", "100%", "No cases", "All 92 days"
    target: str  # "" when there is none
    rating: rag.Rating


@dataclass(frozen=True)
class PledgeMeasure:
    """One measure: the latest quarter's figure (None when it has none then), in words how it
    compares with the quarter before, and its earlier quarters' figures, newest first."""

    measure: str  # the stable key
    label: str
    latest: PledgeQuarter | None
    change: str
    earlier: list[PledgeQuarter]


@dataclass(frozen=True)
class LaPledges:
    latest: Quarter | None  # the latest quarter with any figure for the LA
    measures: list[PledgeMeasure]


def pledge_number(value: float | None) -> str:
    """A pledge figure or target as people write it: to one decimal place, none for a whole number
    ("0", "10", "2.5"); "" for none."""
    if value is None:
        return ""
    rounded = round(value, 1)
    return f"{rounded:g}" if rounded == int(rounded) else f"{rounded:.1f}"


def all_cases(figure: LaPledgeFigure) -> bool:
    """Whether the figure counts every one of its cases ("all 92 days" without a named contact)."""
    return bool(figure.of_cases) and figure.cases > 0 and figure.value == figure.cases


def shown_value(figure: LaPledgeFigure) -> str:
    if figure.value is None:
        return "No cases"
    if all_cases(figure):
        return f"All {figure.cases} {figure.of_cases}"
    return pledge_number(figure.value) + figure.unit


def _compared(figure: LaPledgeFigure) -> float:
    """The figure's value (it has one) compared with the other quarter's, as shown; a figure counting
    all its cases is the extreme, so all of one quarter's days is the same as all of a longer
    quarter's, and any quarter with fewer is on the other side of it."""
    assert figure.value is not None  # change_words compares only figures with a value
    return math.inf if all_cases(figure) else round(figure.value, 1)


def shown_target(figure: LaPledgeFigure) -> str:
    return "" if figure.target is None else pledge_number(figure.target) + figure.unit


def change_words(now: LaPledgeFigure | None, before: LaPledgeFigure | None) -> str:
    """How a measure's latest figure compares with the quarter before's, in words (rag.compare)."""
    if before is None:
        return "No figure the quarter before"
    if before.value is None:
        return "No cases the quarter before"
    earlier = f"all {before.cases} {before.of_cases}" if all_cases(before) else shown_value(before)
    was = f"({earlier} the quarter before)"
    if now is None:
        return f"No figure this quarter {was}"
    if now.value is None:
        return f"No cases this quarter {was}"
    words = {1: "Better", 0: "No change", -1: "Worse"}[
        rag.compare_figures(_compared(now), _compared(before), now.higher_is_better)
    ]
    return f"{words} {was}"


def la_pledges(pledge_figures: list[LaPledgeFigure], la_id: int, quarters: list[Quarter]) -> LaPledges:
    """The LA's pledge figures in `quarters` (oldest first), a measure at a time in the order the
    producers give them."""
    by_measure: dict[str, dict[tuple[int, int], LaPledgeFigure]] = {}
    for figure in pledge_figures:
        if figure.local_authority_id == la_id:
            by_measure.setdefault(figure.measure, {})[(figure.financial_year, figure.quarter)] = figure
    shown = [quarter for quarter in quarters if any(quarter.key in each for each in by_measure.values())]
    if not shown:
        return LaPledges(None, [])
    latest = shown[-1]
    index = quarters.index(latest)
    before_key = quarters[index - 1].key if index > 0 else None
    measures = []
    for measure, figures in by_measure.items():
        now = figures.get(latest.key)
        before = figures.get(before_key) if before_key else None
        earlier = [
            _quarter(quarter, figures[quarter.key]) for quarter in reversed(shown[:-1]) if quarter.key in figures
        ]
        label = (now or next(iter(figures.values()))).label
        measures.append(
            PledgeMeasure(measure, label, _quarter(latest, now) if now else None, change_words(now, before), earlier)
        )
    return LaPledges(latest, measures)


def _quarter(quarter: Quarter, figure: LaPledgeFigure) -> PledgeQuarter:
    return PledgeQuarter(quarter.label, shown_value(figure), shown_target(figure), rag.rate_figure(figure))
