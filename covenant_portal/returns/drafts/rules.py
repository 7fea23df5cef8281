"""The rules for what a provider types into a return's draft: each pledge's answer, the occupancy
figures of each home, and no child-identifying data anywhere (returns/drafts/service.py applies them
when a section is saved; the forms show their messages next to the fields)."""
from collections.abc import Mapping
from dataclasses import dataclass

from covenant_portal.returns.models import PledgeStatus
from covenant_portal.homes.models import ProviderHome
from covenant_portal.web.identifiers import identifying_data_problem

MOST_PLACES = 9999
LONGEST_NARRATIVE = 5000

# Checking what was typed


@dataclass(frozen=True)
class PledgeInput:
    status: str
    narrative: str


def pledge_problems(answer: PledgeInput) -> dict[str, str]:
    """Messages by field ("status", "narrative")."""
    problems = {}
    if answer.status not in set(PledgeStatus):
        problems["status"] = "Select whether the pledge was met, partly met, not met or not applicable"
    narrative = answer.narrative.strip()
    if not narrative and answer.status in set(PledgeStatus) - {PledgeStatus.MET}:
        problems["narrative"] = "Explain how you kept the pledge, or why you could not"
    elif len(narrative) > LONGEST_NARRATIVE:
        problems["narrative"] = f"Explanation must be {LONGEST_NARRATIVE} characters or fewer"
    elif identifying := identifying_data_problem(narrative):
        problems["narrative"] = identifying
    return problems


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


OCCUPANCY_COUNTS = {
    "registered_places": "Registered places",
    "vacant_places": "Vacant places",
    "placed_outside_gm": "Children placed by local authorities outside Greater Manchester",
}


def occupancy_problems(homes: list[ProviderHome], gm_codes: list[str], answers: Mapping[int, OccupancyInput]) -> dict:
    """Messages by (home id, field): field is a key of OCCUPANCY_COUNTS or ("placed_by", ONS code)."""
    problems: dict[tuple, str] = {}
    for home in homes:
        answer = answers.get(home.id)
        if answer is None:
            problems[(home.id, "registered_places")] = f"Enter the figures for {home.name}"
            continue
        counts = [(field, getattr(answer, field), what) for field, what in OCCUPANCY_COUNTS.items()]
        counts += [(("placed_by", code), answer.placed_by.get(code, 0), "Children placed") for code in gm_codes]
        unknown = set(answer.placed_by) - set(gm_codes)
        if unknown:
            problems[(home.id, "placed_outside_gm")] = "Children placed by a local authority not in Greater Manchester go here"
        for field, count, what in counts:
            if isinstance(count, bool) or not isinstance(count, int):
                problems[(home.id, field)] = f"{what} at {home.name} must be a whole number, like 2"
            elif count < 0:
                problems[(home.id, field)] = f"{what} at {home.name} must be 0 or more"
            elif count > MOST_PLACES:
                problems[(home.id, field)] = f"{what} at {home.name} must be {MOST_PLACES} or fewer"
        if any(key[0] == home.id for key in problems):
            continue
        used = answer.placed + answer.vacant_places
        if used > answer.registered_places:
            problems[(home.id, "registered_places")] = (
                f"Children placed plus vacant places ({used}) must not be more than registered places "
                f"({answer.registered_places}) at {home.name}"
            )
    return problems
