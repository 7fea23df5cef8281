"""The portal's check for child-identifying data (kernel: knows no area), so that every area can
refuse what could identify a child in what it is sent: a date of birth (any full date, or "born"
with a year), an NHS number (10 digits passing the modulus 11 check), a unique pupil number, a full
UK postcode, or a child named with an age or a school year. PortalForm runs it over every free-text field (web/forms.py)."""

import re
from typing import NamedTuple

_GUIDANCE = "Do not include information that could identify a child."
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/-]|\.\d)")
_ISO_DATE = re.compile(r"(?<![\d/.-])(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?![\d/-]|\.\d)")
_WORD_DATES = (
    re.compile(rf"\b(\d{{1,2}}){_ORDINAL}(?:\s+of)?[\s-]+{_MONTHS}[\s,-]+(?:\d{{4}}|'?\d{{2}})\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTHS}\s+(\d{{1,2}}){_ORDINAL},?\s+(?:\d{{4}}|'?\d{{2}})\b", re.IGNORECASE),
)
_BORN = re.compile(
    r"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?)\b[\s:,-]*"
    rf"(\d{{1,2}}{_ORDINAL}\s+[A-Za-z]{{3,9}}\.?,?\s+\d{{2,4}}|[A-Za-z]{{3,9}}\s+\d{{1,2}}{_ORDINAL},?\s+\d{{2,4}}|"
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})",
    re.IGNORECASE,
)
# 10 digits, together or as 3-3-4 (how NHS numbers are written). International phone numbers
# (+44 161 496 0000, 0044 ...) are not NHS numbers: what comes before the match is checked.
_TEN_DIGITS = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
_PHONE_PREFIX = re.compile(r"(\+|00)\s?44\s?(\(0\)\s?)?$")
# A unique pupil number: a letter and 12 characters, the last a digit or (temporary UPNs) a letter.
_UPN = re.compile(r"\b[A-Z]\d{11}[0-9A-Z]\b", re.IGNORECASE)
# A full UK postcode: the outward code (area and district, like BL9 or M1) and the inward code (a
# digit and two letters, never C I K M O V). The district alone ("BL9", "M1") identifies nobody.
_POSTCODE = re.compile(
    r"\b(?:GIR\s?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?)\s?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
# A birth year, with or without its month: "born 2012", "born in Feb 2012".
_BORN_IN = re.compile(rf"\bborn(?:\s+in)?\s+((?:{_MONTHS}\s+)?(?:19|20)\d\d)\b", re.IGNORECASE)
# A child named with an age: "Sam Smith, aged 12", "Sam, 12 years old", "Sam Smith who is 12 years
# old", "Sam Smith age: 12", "Sam, aged twelve", "12-year-old Sam".
_NAME = r"(?:[A-Z][a-z'’-]+)(?:\s+[A-Z][a-z'’-]+)?"
_AGE = (
    r"(?i:(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen))\b"
)
_AGE_AFTER_NAME = re.compile(
    rf"(?<![A-Za-z])({_NAME}),?\s+(?:(?:who\s+is|who['’]s|is)\s+)?"
    rf"(?:\(?(?i:aged?)\s*:?\s*{_AGE}\)?|\(?{_AGE}[\s-]*(?i:years?|yrs?)[\s-]*(?i:old)\)?)"
    r"(?!\s*(?:to|-|–|—|and|or|plus|\+)\s*\d)(?![\d+-])(?!\s*(?:months?|weeks?|days?)\b)"
)
_AGE_BEFORE_NAME = re.compile(rf"\b(\d{{1,2}})[\s-]*(?:years?|yrs?)[\s-]*old,?\s+({_NAME})\b")
# A full name (forename and surname) with a bare number that can only be an age or a school year:
# "Sam Smith (12)", "Sam Smith, 12, from Bury", "Sam Smith is 12", "Sam Smith in Year 7". A single
# word before a number is too often a place or a home ("Bolton (12)", "Oak House, 3, ...").
_FULL_NAME = r"[A-Z][a-z'’-]+\s+[A-Z][a-z'’-]+"
_FULL_NAME_WITH_NUMBER = re.compile(
    rf"(?<![A-Za-z])({_FULL_NAME})(?:\s*\(\s*{_AGE}\s*\)|,\s*{_AGE}\s*(?:,|$|\.(?!\d))"
    rf"|\s+is\s+{_AGE}(?=\s*(?:[.,;:!?)]|$|and\b))|\s+(?:is\s+)?in\s+(?i:year)\s+(\d{{1,2}})\b)"
)
# Words before an age that are not a child's name: "Children aged 12", "Young people, 12 years old".
_NOT_NAME_WORDS = (
    "Children Child Young People Person Persons Boys Boy Girls Girl Siblings Sibling Pupils Pupil Residents "
    "Resident Those Anyone Someone Teenagers Teenager Adults Adult Learners Learner Students Student Males Male "
    "Females Female Kids Kid Babies Baby Infants Infant Toddlers Toddler Placements Placement Referrals Referral "
    "Care Leavers Leaver Homes Home Unaccompanied Asylum Seekers Seeker All Some Most Many Few Both Each Every "
    "Any Ages Age Aged Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Yesterday The A An "
    "And Or Of For From To With Between Under Over Only Just We Our They Their He She "
    "His Her It Its This That These Who When Where Up Upto Around About Approximately Roughly "
    "Greater Manchester Bolton Bury Oldham Rochdale Salford Stockport Tameside Trafford Wigan "
    "House Lodge Court Road Street Lane Close Place Cottage Farm Hall View Grange Mews Gardens Park Avenue "
    "Drive Way Villa Manor Barn Pledge Section Quarter Return Version Total Team"
)
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.lower().split())
_ORDINAL_WORDS = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)


def nhs_number_is_valid(digits: str) -> bool:
    """True if the ten digits pass the NHS number's modulus 11 check: the first nine weighted 10
    down to 2, 11 less the remainder of their sum by 11 (11 meaning 0, 10 never valid) is the tenth."""
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


class _Found(NamedTuple):
    """One kind of identifier found: where it starts in the text, what a combined message calls it
    ("the postcode BL9 0EJ") and the message when it is the only kind found."""

    start: int
    named: str
    message: str


def identifying_data_problem(text: str | None) -> str | None:
    """A message if `text` holds something that could identify a child, or None. The message says
    what was found, so that it can be found and removed. If several kinds are found (a postcode
    and an NHS number), one sentence names each of them, in the order they appear, so that all of
    them can be removed at once."""
    if not text:
        return None
    found = [each for find in (_date_of_birth, _upn, _nhs_number, _postcode, _child_with_age) if (each := find(text))]
    if not found:
        return None
    if len(found) == 1:
        return found[0].message
    named = [each.named for each in sorted(found, key=lambda each: each.start)]
    return f"Remove {', '.join(named[:-1])} and {named[-1]}: {_GUIDANCE[0].lower()}{_GUIDANCE[1:]}"


def _date_of_birth(text: str) -> _Found | None:
    born = _BORN.search(text) or _BORN_IN.search(text)
    if born:
        found = born.group(1)
        return _Found(born.start(), f"the date of birth ({found})", f"Remove the date of birth ({found}). {_GUIDANCE}")
    for match in _NUMERIC_DATE.finditer(text):
        if _could_be_date(int(match.group(1)), int(match.group(2))):
            return _date(match)
    for match in _ISO_DATE.finditer(text):
        if _could_be_date(int(match.group(3)), int(match.group(2))):
            return _date(match)
    for pattern in _WORD_DATES:
        for match in pattern.finditer(text):
            if 1 <= int(match.group(1)) <= 31:
                return _date(match)
    return None


def _could_be_date(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _date(match: re.Match[str]) -> _Found:
    found = match.group(0)
    return _Found(
        match.start(),
        f"the date {found}",
        f"Remove the date {found}: it could be a child’s date of birth. {_GUIDANCE} "
        "If you need a date, write the month and year, like May 2026.",
    )


def _upn(text: str) -> _Found | None:
    upn = _UPN.search(text)
    if not upn:
        return None
    found = upn.group(0)
    return _Found(
        upn.start(),
        f"the unique pupil number (UPN) {found}",
        f"Remove {found}: it looks like a unique pupil number (UPN). {_GUIDANCE}",
    )


def _nhs_number(text: str) -> _Found | None:
    for match in _TEN_DIGITS.finditer(text):
        if _PHONE_PREFIX.search(text[: match.start()]):
            continue
        if nhs_number_is_valid("".join(match.groups())):
            found = match.group(0)
            return _Found(
                match.start(), f"the NHS number {found}", f"Remove {found}: it looks like an NHS number. {_GUIDANCE}"
            )
    return None


def _postcode(text: str) -> _Found | None:
    for match in _POSTCODE.finditer(text):
        if not _ORDINAL_WORDS.search(match.group(0)):
            found = match.group(0)
            return _Found(
                match.start(),
                f"the postcode {found}",
                f"Remove the postcode {found}: a full postcode could identify where a child lives. "
                f"{_GUIDANCE} If you need a place, write the town or the first part of the postcode, like BL9.",
            )
    return None


def _child_with_age(text: str) -> _Found | None:
    for match in _AGE_AFTER_NAME.finditer(text):
        name = match.group(1)
        if _is_name(name):
            return _named(match, match.group(0).strip())
    for match in _AGE_BEFORE_NAME.finditer(text):
        if _is_name(match.group(2)):
            return _named(match, match.group(0).strip())
    for match in _FULL_NAME_WITH_NUMBER.finditer(text):
        if _is_name(match.group(1)):
            return _named(match, match.group(0).strip(" ,."))
    return None


def _is_name(words: str) -> bool:
    return not any(word.lower() in _NOT_NAMES for word in words.split())


def _named(match: re.Match[str], found: str) -> _Found:
    return _Found(
        match.start(),
        f"the child’s name with their age or school year (“{found}”)",
        f"Remove “{found}”: a child’s name with their age or school year could identify them. {_GUIDANCE} "
        "Write “a young person” instead of their name.",
    )
