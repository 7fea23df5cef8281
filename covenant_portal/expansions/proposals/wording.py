"""A proposal's answers in words, as its pages show them: the host LA's name rather than its ONS
code, the need's title rather than its id, the planned opening as "September 2027", a weekly fee as
"£4,200". The one wording
of the check-answers page (a draft, with today's options) and of a signed version's pages, the
provider's and the LAs' (with the names its signed document holds). Only the page changes: the
signed document is shown as it is, never rewritten."""

from dataclasses import dataclass
from datetime import date

from covenant_portal.expansions.proposals import rules
from covenant_portal.expansions.proposals.rules import Question
from covenant_portal.filters import money
from covenant_portal.web.forms import whole_number

NOT_ANSWERED = "Not answered"
OPENING = "Planned opening"

# The words for the values of the choice questions whose options are not in the rules (host_la, need_id).
Options = dict[str, dict[str, str]]


@dataclass(frozen=True)
class Answer:
    label: str
    text: str


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    answers: tuple[Answer, ...]


def in_words(answers: dict | None, options: Options) -> list[Section]:
    """Every section's answers (a draft's, or a signed document's) in words."""
    given = answers or {}
    return [
        Section(name, title, section_in_words(name, given.get(name) or {}, options))
        for name, (title, _questions) in rules.SECTIONS.items()
    ]


def section_in_words(section: str, given: dict, options: Options) -> tuple[Answer, ...]:
    shown = []
    for question in rules.questions(section):
        if question.name == "opening_year":
            continue  # said with the month
        if question.name == "opening_month":
            shown.append(Answer(OPENING, opening_in_words(given.get("opening_month"), given.get("opening_year"))))
        else:
            shown.append(Answer(question.label, answer_in_words(question, given.get(question.name), options)))
    return tuple(shown)


def answer_in_words(question: Question, value, options: Options) -> str:
    typed = str(value or "").strip()
    if not typed:
        return NOT_ANSWERED
    if question.kind == "choice":
        return (question.choices or options.get(question.name) or {}).get(typed, typed)
    if question.money:
        return money(typed)
    return typed


def opening_in_words(month, year) -> str:
    """ "September 2027" for month 9 and year 2027 (what was typed, if it is not a month)."""
    typed_month, typed_year = str(month or "").strip(), str(year or "").strip()
    number = whole_number(typed_month)
    name = date(2000, number, 1).strftime("%B") if number is not None and 1 <= number <= 12 else typed_month
    return " ".join(part for part in (name, typed_year) if part) or NOT_ANSWERED


def signed_options(document: dict) -> Options:
    """The words a signed version's document holds for its codes: the host LA's name and the need's
    title, as they were when it was signed."""
    host = document.get("hostLocalAuthority") or {}
    need = ((document.get("answers") or {}).get("need") or {}).get("need_id") or ""
    needs = {rules.NO_NEED: rules.NO_NEED_WORDS}
    if need and document.get("needAnswered"):
        needs[need] = document["needAnswered"]
    hosts = {host["onsCode"]: host["name"]} if host.get("onsCode") and host.get("name") else {}
    return {"host_la": hosts, "need_id": needs}


def version_in_words(document: dict) -> list[Section]:
    """A signed version's answers in words."""
    return in_words(document.get("answers"), signed_options(document))


def differences(older: dict, newer: dict) -> list[tuple[str, str, str]]:
    """(question, what version n said, what n + 1 says), in words, for each answer that changed,
    from the two versions' signed documents."""
    changed = []
    for before, after in zip(version_in_words(older), version_in_words(newer), strict=True):
        for said, says in zip(before.answers, after.answers, strict=True):
            if said.text != says.text:
                changed.append((said.label, said.text, says.text))
    return changed


def changes_since_previous(version) -> list[tuple[str, str, str]] | None:
    """What a revision changed from the version it supersedes (`differences`); None for a first version."""
    if version is None or version.supersedes is None:
        return None
    return differences(version.supersedes.document, version.document)
