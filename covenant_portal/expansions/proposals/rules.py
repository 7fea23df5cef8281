"""What a proposal asks, in the words of Ofsted's SC1 form, section by section, and the rules for
what is typed (the one home of them: forms only carry the text, the services apply these)."""

import re
from dataclasses import dataclass
from datetime import date

from covenant_portal.expansions.models import NEED_CATEGORY_LABELS
from covenant_portal.filters import money
from covenant_portal.web.forms import whole_number
from covenant_portal.web.identifiers import identifying_data_problem

KIND_LABELS = {
    "new_home": "New home",
    "more_places": "More places in an existing home",
    "new_service_type": "New service type",
    "change_of_registration": "Change of registration",
    "multi_building": "Multi-building home",
}
OFSTED_STAGE_LABELS = {
    "not_applied": "Not yet applied",
    "sc1_submitted": "SC1 submitted",
    "registered": "Registered",
}
PLANNING_LABELS = {
    "not_needed": "Not needed",
    "not_applied": "Not yet applied for",
    "applied": "Applied for",
    "granted": "Granted",
    "refused": "Refused",
}
CATEGORY_LABELS = {str(category): label for category, label in NEED_CATEGORY_LABELS.items()}
NO_NEED = "none"
NO_NEED_WORDS = "It answers no published need"
LONGEST_TEXT = 2000
MOST_PLACES = 50

# A postcode district (the outward code) only, like BL9 or M60: never a full postcode.
POSTCODE_DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    kind: str = "text"  # text, textarea, number, choice
    choices: dict | None = None
    required: bool = True
    money: bool = False  # a number of pounds: shown as "£4,200" (filters.money), stored as typed


SECTIONS: dict[str, tuple[str, tuple[Question, ...]]] = {
    "service": (
        "The service",
        (
            Question("title", "A short name for the proposal"),
            Question("kind", "What kind of expansion is it?", "choice", KIND_LABELS),
            Question("host_la", "Which local authority would host it?", "choice"),
            Question("postcode_district", "Postcode district"),
            Question("category", "Service category", "choice", CATEGORY_LABELS),
            Question("needs_served", "The needs it serves (as in the Statement of Purpose)", "textarea"),
            Question("places", "Number of places", "number"),
            Question("age_from", "Youngest age", "number"),
            Question("age_to", "Oldest age", "number"),
            Question("opening_month", "Planned opening month", "number"),
            Question("opening_year", "Planned opening year", "number"),
        ),
    ),
    "registration": (
        "Registration and running",
        (
            Question("ofsted_stage", "Ofsted stage", "choice", OFSTED_STAGE_LABELS),
            Question("ofsted_reference", "SC1 reference or Ofsted URN", required=False),
            Question("planning", "Planning permission", "choice", PLANNING_LABELS),
            Question("staffing_model", "Staffing model", "textarea"),
            Question("fee_from", "Weekly fee from", "number", money=True),
            Question("fee_to", "Weekly fee to", "number", money=True),
        ),
    ),
    "need": (
        "The need it answers",
        (
            Question("need_id", "Which published need does it answer?", "choice"),
            Question("why_needed", "Why it is needed anyway", "textarea", required=False),
            Question("gm_priority", "How Greater Manchester children will be given priority", "textarea"),
        ),
    ),
    "location": (
        "Location assessment",
        (
            Question("services_consulted", "Services consulted", "textarea"),
            Question("police_contacted", "Police contacted", "textarea"),
            Question("risks", "Risks and how they are managed", "textarea"),
            Question("homes_nearby", "Other homes nearby", "textarea"),
        ),
    ),
}


def questions(section: str) -> tuple[Question, ...]:
    return SECTIONS[section][1]


def section_problems(
    section: str, answers: dict, choices: dict[str, set[str]], complete: bool, today: date
) -> dict[str, str]:
    """Messages by question for what is typed in a section. `choices` gives the allowed values of
    the choice questions whose options come from the database (host_la, need_id). With `complete`
    (checking before submitting), unanswered questions are problems too. `today` (London) is the
    earliest month a planned opening may be in."""
    problems: dict[str, str] = {}
    for question in questions(section):
        value = (answers.get(question.name) or "").strip()
        if not value:
            if complete and question.required:
                problems[question.name] = f"Answer “{question.label}”"
            continue
        allowed = question.choices if question.choices is not None else choices.get(question.name)
        if question.kind == "choice" and (allowed is None or value not in allowed):
            problems[question.name] = f"Choose one answer for “{question.label}”"
        elif question.kind == "number" and (number := whole_number(value)) is None:
            problems[question.name] = f"{question.label} must be a whole number, like 4"
        elif question.kind == "number" and not _in_range(question.name, number):
            problems[question.name] = _range_message(question)
        elif question.kind in ("text", "textarea") and len(value) > (200 if question.kind == "text" else LONGEST_TEXT):
            problems[question.name] = (
                f"{question.label} must be {200 if question.kind == 'text' else LONGEST_TEXT} characters or fewer"
            )
        elif question.kind in ("text", "textarea") and (identifying := identifying_problem(question, value)):
            problems[question.name] = identifying
    problems.update(_across(section, answers, complete))
    if section == "service" and not {"opening_month", "opening_year"} & problems.keys():
        opening = opening_problem(answers.get("opening_month"), answers.get("opening_year"), today)
        if opening:
            problems["opening_month" if (answers.get("opening_month") or "").strip() else "opening_year"] = opening
    return problems


def identifying_problem(question: Question, value: str | None) -> str | None:
    """The identifier check's message for an answer, naming its question: a section may hold the same
    words in several answers, and each message (next to its field and in the error summary) must say
    which answer it is about."""
    problem = identifying_data_problem(value)
    return f"In “{question.label}”, {problem[0].lower()}{problem[1:]}" if problem else None


def opening_problem(month: str | None, year: str | None, today: date) -> str | None:
    """A planned opening (month and year as typed) may not be in a month before today's, nor a year
    typed without its month (the draft keeps what is typed so far) in a year before today's."""
    month_number, year_number = whole_number((month or "").strip()), whole_number((year or "").strip())
    if year_number is None:
        return None
    if not (month or "").strip():
        return f"The planned opening must be in {today.year} or later" if year_number < today.year else None
    if month_number is None or not 1 <= month_number <= 12:
        return None
    if (year_number, month_number) < (today.year, today.month):
        return f"The planned opening must be in {today:%B %Y} or later"
    return None


_RANGES = {
    "places": (1, MOST_PLACES),
    "age_from": (0, 25),
    "age_to": (0, 25),
    "opening_month": (1, 12),
    "opening_year": (2000, 2100),
    "fee_from": (0, 100000),
    "fee_to": (0, 100000),
}


def _in_range(name: str, number: int) -> bool:
    low, high = _RANGES[name]
    return low <= number <= high


def _range_message(question: Question) -> str:
    low, high = _RANGES[question.name]
    if question.money:
        return f"{question.label} must be between {money(low)} and {money(high)}"
    return f"{question.label} must be between {low} and {high}"


def _across(section: str, answers: dict, complete: bool) -> dict[str, str]:
    problems: dict[str, str] = {}
    value = {name: (answers.get(name) or "").strip() for name in answers}
    if section == "service" and value.get("postcode_district"):
        district = re.sub(r"\s+", "", value["postcode_district"]).upper()
        if not POSTCODE_DISTRICT.fullmatch(district):
            problems["postcode_district"] = (
                "Enter the postcode district only (the first half of the postcode), like BL9 — never a full postcode"
            )
    if section == "service":
        low, high = whole_number(value.get("age_from", "")), whole_number(value.get("age_to", ""))
        if low is not None and high is not None and low > high:
            problems["age_to"] = "Oldest age must be the same as or older than the youngest age"
    if section == "registration":
        low, high = whole_number(value.get("fee_from", "")), whole_number(value.get("fee_to", ""))
        if low is not None and high is not None and low > high:
            problems["fee_to"] = "Weekly fee to must be the same as or more than the weekly fee from"
        if (
            complete
            and value.get("ofsted_stage") in ("sc1_submitted", "registered")
            and not value.get("ofsted_reference")
        ):
            problems["ofsted_reference"] = "Enter the SC1 reference or the Ofsted URN"
    if section == "need" and complete and value.get("need_id") == NO_NEED and not value.get("why_needed"):
        problems["why_needed"] = "Say why the service is needed, as it answers no published need"
    return problems


def tidy(section: str, answers: dict) -> dict:
    """The answers as kept: stripped, the postcode district in capitals without spaces."""
    kept = {question.name: (answers.get(question.name) or "").strip() for question in questions(section)}
    if section == "service" and kept["postcode_district"]:
        kept["postcode_district"] = re.sub(r"\s+", "", kept["postcode_district"]).upper()
    return kept
