"""The rules for what a provider types into a return's draft: each pledge's answer, the occupancy
figures of each home (the rule itself is returns/occupancy.py's, shared with the form and signing),
and no child-identifying data anywhere (returns/drafts/service.py applies them when a section is
saved; the forms show their messages next to the fields)."""
import re
from collections.abc import Mapping
from dataclasses import dataclass

from covenant_portal.returns.models import PledgeStatus
from covenant_portal.returns.occupancy import (  # noqa: F401 (part of this module's interface)
    MOST_PLACES,
    OCCUPANCY_COUNTS,
    OccupancyInput,
    capitalised,
    figure_problems,
    places_fault,
)
from covenant_portal.homes.models import ProviderHome

LONGEST_NARRATIVE = 5000

# Child-identifying data

_GUIDANCE = "Do not include information that could identify a child."
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.-])")
_BORN = re.compile(
    r"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?)\b[\s:,-]*"
    r"(\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{2,4}|[A-Za-z]{3,9}\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{2,4}|"
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})",
    re.IGNORECASE,
)
# 10 digits, together or as 3-3-4 (how NHS numbers are written). International phone numbers
# (+44 161 496 0000, 0044 ...) are not NHS numbers: what comes before the match is checked.
_TEN_DIGITS = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
_PHONE_PREFIX = re.compile(r"(\+|00)\s?44\s?(\(0\)\s?)?$")
# A unique pupil number: a letter and 12 characters, the last a digit or (temporary UPNs) a letter.
_UPN = re.compile(r"\b[A-Z]\d{11}[0-9A-Z]\b", re.IGNORECASE)


def identifying_data_problem(text: str | None) -> str | None:
    """A message if `text` holds something that looks like it identifies a child — a date of birth
    (any date written dd/mm/yyyy, or after "born" or "DOB"), an NHS number or a unique pupil number
    (UPN) — or None. The message says what was found, so that it can be found and removed."""
    if not text:
        return None
    born = _BORN.search(text)
    if born:
        return f"Remove the date of birth ({born.group(1)}). {_GUIDANCE}"
    for match in _NUMERIC_DATE.finditer(text):
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            return (
                f"Remove the date {match.group(0)}: it could be a child’s date of birth. {_GUIDANCE} "
                "If you need a date, write the month and year, like May 2026."
            )
    upn = _UPN.search(text)
    if upn:
        return f"Remove {upn.group(0)}: it looks like a unique pupil number (UPN). {_GUIDANCE}"
    for match in _TEN_DIGITS.finditer(text):
        if not _PHONE_PREFIX.search(text[: match.start()]):
            return f"Remove {match.group(0)}: it looks like an NHS number. {_GUIDANCE}"
    return None

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
            problems[(home.id, "placed_outside_gm")] = "Children placed by a local authority not in Greater Manchester go here"
        for field, (what, fault) in figure_problems(answer, gm_codes).items():
            problems[(home.id, field)] = f"{what} at {home.name} {fault}"
        if any(key[0] == home.id for key in problems):
            continue
        fault = places_fault(answer)
        if fault is not None:
            problems[(home.id, "registered_places")] = f"{capitalised(fault)} at {home.name}"
    return problems
