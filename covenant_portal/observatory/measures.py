"""The observatory's measures, worked out in SQL from the occupancy of signed quarterly returns.

Only the latest signed version of each return counts (a correction replaces what it corrects). For
a quarter, a home (or provider, or host LA) with no signed return is *missing* (None), never zero;
`Figures.gm_share` is None when nothing is occupied (no share, not 0 %).

- registered places, vacant places and children placed from outside GM: as the return says;
- occupied places: children placed by GM LAs plus children placed from outside GM;
- GM share: children placed by GM LAs ÷ occupied places.

Every function here is one SQL query, grouped and summed in the database, whatever the number of
homes, so a page built from them makes the same few queries at any scale.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from datetime import date

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session, aliased

from covenant_portal.accounts.models import LocalAuthority
from covenant_portal.homes.models import ProviderHome
from covenant_portal.returns.models import GmPlacement, HomeOccupancy, QuarterlyReturn, ReturnPeriod, ReturnSubmission


@dataclass(frozen=True)
class Quarter:
    period_id: int
    financial_year: int
    quarter: int
    due_on: date | None = None  # when its returns are due

    @property
    def key(self) -> tuple[int, int]:
        return (self.financial_year, self.quarter)

    @property
    def label(self) -> str:
        return f"Q{self.quarter} {self.financial_year} to {self.financial_year + 1}"

    @property
    def short_label(self) -> str:
        return f"Q{self.quarter} {self.financial_year % 100:02d}/{(self.financial_year + 1) % 100:02d}"

    @property
    def time_period(self) -> str:
        """The EES time_period of a financial year: 202627 for April 2026 to March 2027."""
        return f"{self.financial_year}{(self.financial_year + 1) % 100:02d}"

    @property
    def time_identifier(self) -> str:
        return f"Financial year Q{self.quarter}"


@dataclass
class Figures:
    """What the signed returns say about some homes on the last day of a quarter."""

    registered: int = 0
    vacant: int = 0
    gm_placed: int = 0
    outside_gm: int = 0
    homes: int = 0  # how many homes' figures these are
    placed_by: dict[int, int] = field(default_factory=dict)  # GM LA id -> children it placed

    @property
    def occupied(self) -> int:
        return self.gm_placed + self.outside_gm

    @property
    def gm_share(self) -> float | None:
        """Percent of occupied places taken by children placed by GM LAs; None if none occupied."""
        return None if self.occupied == 0 else 100 * self.gm_placed / self.occupied

    def add(self, other: "Figures") -> None:
        self.registered += other.registered
        self.vacant += other.vacant
        self.gm_placed += other.gm_placed
        self.outside_gm += other.outside_gm
        self.homes += other.homes
        for la_id, children in other.placed_by.items():
            self.placed_by[la_id] = self.placed_by.get(la_id, 0) + children


# What figures can be grouped by.
GROUPS: dict[str, Any] = {  # columns
    "home": HomeOccupancy.home_id,
    "organisation": QuarterlyReturn.organisation_id,
    "host": ProviderHome.host_local_authority_id,
}


def recent_quarters(session: Session, today: date, count: int) -> list[Quarter]:
    """The latest `count` quarters whose returns have opened by `today`, oldest first."""
    rows = session.execute(
        select(ReturnPeriod.id, ReturnPeriod.financial_year, ReturnPeriod.quarter, ReturnPeriod.due_on)
        .where(ReturnPeriod.opens_on <= today)
        .order_by(ReturnPeriod.financial_year.desc(), ReturnPeriod.quarter.desc())
        .limit(count)
    )
    return sorted((Quarter(*row) for row in rows), key=lambda quarter: quarter.key)


def _latest_version() -> ColumnElement[bool]:
    later = aliased(ReturnSubmission)
    return ~exists().where(later.return_id == ReturnSubmission.return_id, later.version > ReturnSubmission.version)


def _counted(query, quarters: Sequence[Quarter], where: Sequence[ColumnElement[bool]]):
    return (
        query.join(ReturnSubmission, ReturnSubmission.id == HomeOccupancy.submission_id)
        .join(QuarterlyReturn, QuarterlyReturn.id == ReturnSubmission.return_id)
        .join(ProviderHome, ProviderHome.id == HomeOccupancy.home_id)
        .where(_latest_version(), QuarterlyReturn.period_id.in_([quarter.period_id for quarter in quarters]), *where)
    )


def figures(
    session: Session, quarters: Sequence[Quarter], by: str, where: Sequence[ColumnElement[bool]] = ()
) -> dict[tuple[int, int], Figures]:
    """{(period id, group id): Figures} for every home with a signed return in the quarters, grouped
    by "home", "organisation" or "host" (LA), with the children each GM LA placed. Two queries."""
    group = GROUPS[by]
    gm_placed = (
        select(GmPlacement.occupancy_id, func.sum(GmPlacement.children).label("children"))
        .group_by(GmPlacement.occupancy_id)
        .subquery()
    )
    totals = _counted(
        select(
            QuarterlyReturn.period_id,
            group,
            func.sum(HomeOccupancy.registered_places),
            func.sum(HomeOccupancy.vacant_places),
            func.sum(func.coalesce(gm_placed.c.children, 0)),
            func.sum(HomeOccupancy.placed_outside_gm),
            func.count(HomeOccupancy.id),
        )
        .select_from(HomeOccupancy)
        .outerjoin(gm_placed, gm_placed.c.occupancy_id == HomeOccupancy.id),
        quarters,
        where,
    ).group_by(QuarterlyReturn.period_id, group)
    found = {
        (period_id, group_id): Figures(int(registered), int(vacant), int(gm), int(outside), int(homes))
        for period_id, group_id, registered, vacant, gm, outside, homes in session.execute(totals)
    }
    placements = _counted(
        select(QuarterlyReturn.period_id, group, GmPlacement.local_authority_id, func.sum(GmPlacement.children))
        .select_from(GmPlacement)
        .join(HomeOccupancy, HomeOccupancy.id == GmPlacement.occupancy_id),
        quarters,
        where,
    ).group_by(QuarterlyReturn.period_id, group, GmPlacement.local_authority_id)
    for period_id, group_id, la_id, children in session.execute(placements):
        found[(period_id, group_id)].placed_by[la_id] = int(children)
    return found


def hosted_in(local_authority_id: int) -> ColumnElement[bool]:
    return ProviderHome.host_local_authority_id == local_authority_id


def of_organisation(organisation_id: int) -> ColumnElement[bool]:
    return QuarterlyReturn.organisation_id == organisation_id


def local_authorities(session: Session) -> list[LocalAuthority]:
    """Every LA, GM ones first, by name."""
    return list(
        session.scalars(
            select(LocalAuthority).order_by(LocalAuthority.is_greater_manchester.desc(), LocalAuthority.name)
        )
    )


def series(found: dict[tuple[int, int], Figures], quarters: Sequence[Quarter], group_id: int) -> list[Figures | None]:
    """One group's figures in each quarter, None where it has no signed return (missing)."""
    return [found.get((quarter.period_id, group_id)) for quarter in quarters]


def total(found: dict[tuple[int, int], Figures], quarters: Sequence[Quarter], group_ids) -> list[Figures | None]:
    """The groups' figures added up in each quarter; None in a quarter none of them reported."""
    wanted = set(group_ids)
    sums: dict[int, Figures] = {}
    for (period_id, group_id), each in found.items():
        if group_id in wanted:
            sums.setdefault(period_id, Figures()).add(each)
    return [sums.get(quarter.period_id) for quarter in quarters]
