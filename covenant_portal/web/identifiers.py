"""The portal's check for child-identifying data (kernel: knows no area), so that every area can
refuse a date of birth, an NHS number or a unique pupil number in what it is sent."""

import re

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
