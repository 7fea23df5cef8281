"""The occupancy rule: what a home's figures on the last day of a quarter must be. Written once, here,
and applied by the occupancy form (each figure as typed), the draft rules (a section saved) and
signing (the draft as it stands), so all three say the same thing in the same words:

- each figure (registered places, vacant places, children placed by each GM local authority and by
  local authorities outside Greater Manchester) is a whole number from 0 to MOST_PLACES;
- children placed plus vacant places must not be more than registered places.

Each caller says which home a message is about in its own way ("Vacant places at Elm Lodge must be
0 or more" next to a field; "Occupancy of Elm Lodge: vacant places must be 0 or more" in the list of
what stops signing); the words of the rule are these functions'.
"""

from collections.abc import Mapping
from dataclasses import dataclass

MOST_PLACES = 9999

# The figures of a home other than the children placed by each GM local authority, and their names.
OCCUPANCY_COUNTS = {
    "registered_places": "Registered places",
    "vacant_places": "Vacant places",
    "placed_outside_gm": "Children placed by local authorities outside Greater Manchester",
}
PLACED_BY_GM = "Children placed"  # the name of a GM local authority's count, when its name is not to hand


@dataclass(frozen=True)
class OccupancyInput:
    """One home on the last day of the quarter."""

    placed_by: Mapping[str, int]  # by GM LA ONS code
    placed_outside_gm: int
    vacant_places: int
    registered_places: int

    @property
    def placed(self) -> int:
        return sum(self.placed_by.values()) + self.placed_outside_gm


def count_fault(count: object) -> str | None:
    """What is wrong with one figure, to follow its name ("must be 0 or more"), or None. Anything
    but an int (text that is not a whole number, say) is not a whole number."""
    if isinstance(count, bool) or not isinstance(count, int):
        return "must be a whole number, like 2"
    if count < 0:
        return "must be 0 or more"
    if count > MOST_PLACES:
        return f"must be {MOST_PLACES:,} or fewer"
    return None


def places_fault(occupancy: OccupancyInput) -> str | None:
    """If the children placed and the vacant places add up to more than the registered places, the
    sentence that says so (starting in lower case, as it may follow the home's name), else None."""
    used = occupancy.placed + occupancy.vacant_places
    if used > occupancy.registered_places:
        return (
            f"children placed plus vacant places ({used}) must not be more than "
            f"registered places ({occupancy.registered_places})"
        )
    return None


def figure_problems(occupancy: OccupancyInput, gm_codes: list[str]) -> dict[str | tuple, tuple[str, str]]:
    """Every figure's fault, by field (a key of OCCUPANCY_COUNTS or ("placed_by", ONS code)), as
    (the figure's name, its fault); only when there is none is places_fault worth asking."""
    counts: list[tuple[str | tuple, object, str]] = [
        (field, getattr(occupancy, field), what) for field, what in OCCUPANCY_COUNTS.items()
    ]
    counts += [(("placed_by", code), occupancy.placed_by.get(code, 0), PLACED_BY_GM) for code in gm_codes]
    found = {}
    for field, count, what in counts:
        fault = count_fault(count)
        if fault is not None:
            found[field] = (what, fault)
    return found


def capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]
