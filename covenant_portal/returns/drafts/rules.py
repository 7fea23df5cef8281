"""The rules for what a provider types into a return's draft: each pledge's answer, the occupancy
figures of each home (the rule itself is returns/occupancy.py's, shared with the form and signing),
and no child-identifying data anywhere (returns/drafts/service.py applies them when a section is
saved; the forms show their messages next to the fields)."""

from collections.abc import Mapping
from dataclasses import dataclass

from covenant_portal.homes.models import ProviderHome
from covenant_portal.returns.models import PledgeStatus
from covenant_portal.returns.occupancy import (  # noqa: F401 (part of this module's interface)
    MOST_PLACES,
    OCCUPANCY_COUNTS,
    OccupancyInput,
    capitalised,
    figure_problems,
    places_fault,
)
from covenant_portal.web.identifiers import identifying_data_problem

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
        problems["narrative"] = f"How you kept the pledge must be {LONGEST_NARRATIVE:,} characters or fewer"
    elif identifying := identifying_data_problem(narrative):
        problems["narrative"] = identifying
    return problems


def occupancy_problems(homes: list[ProviderHome], gm_codes: list[str], answers: Mapping[int, OccupancyInput]) -> dict:
    """Messages by (home id, field): field is a key of OCCUPANCY_COUNTS or ("placed_by", ONS code).
    The rule is returns/occupancy.py's; here each message names the home."""
    problems: dict[tuple, str] = {}
    for home in homes:
        answer = answers.get(home.id)
        if answer is None:
            problems[(home.id, "registered_places")] = f"Enter the figures for {home.name}"
            continue
        unknown = set(answer.placed_by) - set(gm_codes)
        if unknown:
            problems[(home.id, "placed_outside_gm")] = (
                "Children placed by a local authority not in Greater Manchester go here"
            )
        for field, (what, fault) in figure_problems(answer, gm_codes).items():
            problems[(home.id, field)] = f"{what} at {home.name} {fault}"
        if any(key[0] == home.id for key in problems):
            continue
        fault = places_fault(answer)
        if fault is not None:
            problems[(home.id, "registered_places")] = f"{capitalised(fault)} at {home.name}"
    return problems
