"""The one stale-tab kernel (web/stale.py): a short stable fingerprint of what a page showed, the
check services make with it, and the one 409 page."""

import subprocess
import sys
from datetime import date, datetime, timezone
from enum import StrEnum

import pytest

from covenant_portal.web.stale import VERSION_LENGTH, ChangedMeanwhile, check_seen, version_of


class Colour(StrEnum):
    RED = "red"


def test_a_version_is_short_hex_and_the_same_for_the_same_values():
    version = version_of("Elm House", 4, ["a", "b"], {"places": 4, "name": "x"})
    assert len(version) == VERSION_LENGTH and int(version, 16) >= 0
    assert version == version_of("Elm House", 4, ["a", "b"], {"name": "x", "places": 4})  # key order is not a change


def test_any_value_that_differs_makes_another_version():
    base = ("Elm House", 4, ["a", "b"], None)
    others = [
        ("Elm House", 5, ["a", "b"], None),
        ("Elm house", 4, ["a", "b"], None),
        ("Elm House", 4, ["b", "a"], None),
    ]
    others += [("Elm House", 4, ["a", "b"], ""), ("Elm House", "4", ["a", "b"], None), ("Elm House", 4, ["a", "b"])]
    assert len({version_of(*values) for values in [base, *others]}) == len(others) + 1


def test_dates_enums_and_text_of_any_script_are_fingerprinted_by_their_text():
    when = datetime(2026, 12, 4, 9, 30, tzinfo=timezone.utc)
    assert version_of(when, date(2026, 12, 4), Colour.RED) == version_of(str(when), "2026-12-04", "red")
    assert version_of("Café", "\u202e") != version_of("Cafe", "\u202e")


def test_a_version_is_stable_across_processes():
    """The page's version and the service's are made by different requests, perhaps processes."""
    code = "from covenant_portal.web.stale import version_of; print(version_of('Elm House', [1, 2], {'b': 1, 'a': 2}))"
    made_elsewhere = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert made_elsewhere.stdout.strip() == version_of("Elm House", [1, 2], {"a": 2, "b": 1})


def test_the_check_passes_the_version_seen_or_none_and_refuses_another():
    now = version_of("now")
    check_seen(now, now, ChangedMeanwhile("home"))
    check_seen(None, now, ChangedMeanwhile("home"))  # nothing sent: not checked
    with pytest.raises(ChangedMeanwhile) as refused:
        check_seen(version_of("then"), now, ChangedMeanwhile("home"))
    assert refused.value.version == now  # what a page shown again carries, to save again knowingly
    assert str(refused.value) == "This home was changed by someone else while you had it open"
    assert ChangedMeanwhile("named contact", by="Bo Admin").heading == (
        "This named contact was changed by Bo Admin while you had it open"
    )
