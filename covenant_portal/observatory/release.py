"""What the observatory publishes (open data and public pages), with its disclosure control.

The release covers GM-based supply: homes hosted in the ten GM LAs. Per quarter it has

- supply cells ("supply", period id, host, measure): for each GM host LA and for GM as a whole
  ("GM"), each measure of MEASURES;
- placement cells ("placed", period id, placing LA, host): children placed by each GM LA in homes
  hosted in each GM LA, and in all of them ("GM"). Those placed by all GM LAs in a host are its
  supply "gm_placed" cell (the same figure, published once as one cell).

A cell is *available* when some home it counts has a signed return in the quarter; otherwise it is
`x` (not available, never 0). Every additive relation between published cells is an equation
(suppression.py), and the whole release is suppressed in one pass: `Release.shown` is what any
public page or file may show.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from covenant_portal.observatory.measures import Figures, Quarter
from covenant_portal.observatory.suppression import Equation, suppress

GM = "GM"
MEASURES = {
    "registered_places": "Registered places",
    "occupied_places": "Occupied places",
    "vacant_places": "Vacant places",
    "gm_placed": "Children placed by GM local authorities",
    "non_gm_placed": "Children placed by local authorities outside Greater Manchester",
}
SUPPRESSED = "c"
NOT_AVAILABLE = "x"
NOT_APPLICABLE = "z"


@dataclass(frozen=True)
class Place:
    """A GM LA as the release names it."""

    id: int
    ons_code: str
    name: str


def measure_value(figures: Figures, measure: str) -> int:
    return {
        "registered_places": figures.registered,
        "occupied_places": figures.occupied,
        "vacant_places": figures.vacant,
        "gm_placed": figures.gm_placed,
        "non_gm_placed": figures.outside_gm,
    }[measure]


def supply(period_id: int, host, measure: str) -> tuple:
    return ("supply", period_id, host, measure)


def placed(period_id: int, placing, host) -> tuple:
    """The cell of children placed by `placing` (an LA id, or GM) in homes hosted in `host`."""
    if placing == GM:
        return supply(period_id, host, "gm_placed")
    return ("placed", period_id, placing, host)


@dataclass
class Release:
    quarters: list[Quarter]
    places: list[Place]
    values: dict[tuple, int]  # the available cells
    suppressed: set[tuple]

    def shown(self, cell: tuple) -> int | str:
        """The cell as published: its count, `c` or `x`."""
        if cell not in self.values:
            return NOT_AVAILABLE
        return SUPPRESSED if cell in self.suppressed else self.values[cell]

    def detailed(self, cell: tuple) -> int | str:
        """The cell unsuppressed (for LA contacts, officers and admins)."""
        return self.values.get(cell, NOT_AVAILABLE)

    def share(self, period_id: int, host, detailed: bool = False) -> int | str:
        """GM share as a whole percent, `z` with nothing occupied, `c` if either count is suppressed
        (the share and the other count would give it away), `x` if not available."""
        read = self.detailed if detailed else self.shown
        gm, occupied = read(supply(period_id, host, "gm_placed")), read(supply(period_id, host, "occupied_places"))
        if NOT_AVAILABLE in (gm, occupied):
            return NOT_AVAILABLE
        if SUPPRESSED in (gm, occupied):
            return SUPPRESSED
        assert isinstance(gm, int) and isinstance(occupied, int)
        return NOT_APPLICABLE if occupied == 0 else round(100 * gm / occupied)

    def published_counts(self) -> list[int | str]:
        return [self.shown(cell) for cell in self.cells()]

    def cells(self) -> list[tuple]:
        """Every cell of the release (available or not), in order."""
        hosts = [place.id for place in self.places] + [GM]
        found = []
        for quarter in self.quarters:
            found += [supply(quarter.period_id, host, measure) for host in hosts for measure in MEASURES]
            found += [("placed", quarter.period_id, place.id, host) for place in self.places for host in hosts]
        return found


def build_release(
    quarters: Sequence[Quarter], places: Sequence[Place], by_host: dict[tuple[int, int], Figures]
) -> Release:
    """The release from figures grouped by host LA (measures.figures(..., by="host"))."""
    values: dict[tuple, int] = {}
    equations: list[Equation] = []
    hosts = [place.id for place in places]
    for quarter in quarters:
        reported = {host: by_host[(quarter.period_id, host)] for host in hosts if (quarter.period_id, host) in by_host}
        if not reported:
            continue
        everything = Figures()
        for each in reported.values():
            everything.add(each)
        for host, each in [*reported.items(), (GM, everything)]:
            for measure in MEASURES:
                values[supply(quarter.period_id, host, measure)] = measure_value(each, measure)
        for place in places:
            for host, each in reported.items():
                values[placed(quarter.period_id, place.id, host)] = each.placed_by.get(place.id, 0)
            values[placed(quarter.period_id, place.id, GM)] = everything.placed_by.get(place.id, 0)
        equations += _equations(quarter.period_id, list(reported), [place.id for place in places])
    return Release(list(quarters), list(places), values, suppress(values, equations))


def _equations(period_id: int, hosts: list[int], placing: list[int]) -> list[Equation]:
    every_host = [*hosts, GM]
    found: list[Equation] = []
    for host in every_host:  # occupied = GM placements + others
        found.append(
            {
                supply(period_id, host, "occupied_places"): 1,
                supply(period_id, host, "gm_placed"): -1,
                supply(period_id, host, "non_gm_placed"): -1,
            }
        )
    for measure in MEASURES:  # GM = the sum of its host LAs
        found.append({supply(period_id, GM, measure): 1, **{supply(period_id, host, measure): -1 for host in hosts}})
    for host in every_host:  # placed in a host by all GM LAs = the sum over placing LAs
        found.append({placed(period_id, GM, host): 1, **{placed(period_id, la, host): -1 for la in placing}})
    for la in placing:  # placed by an LA in all GM hosts = the sum over hosts
        found.append({placed(period_id, la, GM): 1, **{placed(period_id, la, host): -1 for host in hosts}})
    return found
