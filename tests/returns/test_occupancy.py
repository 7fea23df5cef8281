"""The occupancy rule (returns/occupancy.py), written once: the occupancy form, the draft rules and
signing find the same faults in a home's figures and say them in the same words."""

import json
from datetime import UTC, datetime

import pytest
from flask import current_app
from wtforms.validators import StopValidation

from covenant_portal.audit.service import SYSTEM
from covenant_portal.mail.links import Links
from covenant_portal.returns.drafts.forms import Count
from covenant_portal.returns.drafts.rules import occupancy_problems
from covenant_portal.returns.occupancy import MOST_PLACES, OccupancyInput, count_fault, places_fault
from covenant_portal.returns.submission import service as submission
from tests.returns.helpers import filled_return, gm_ons_codes, period_of, signed_organisation

NOW = datetime(2026, 7, 10, 9, 30, tzinfo=UTC)  # Q1 2026 to 2027's return is open


def test_each_figure_is_a_whole_number_from_0_to_the_most_places():
    assert [count_fault(n) for n in (0, 4, MOST_PLACES)] == [None, None, None]
    assert count_fault(-1) == "must be 0 or more"
    assert count_fault(MOST_PLACES + 1) == "must be 9,999 or fewer"
    for not_whole in ("two", 2.5, True, None):
        assert count_fault(not_whole) == "must be a whole number, like 2"


def test_children_placed_plus_vacant_places_may_not_exceed_registered_places():
    assert places_fault(OccupancyInput({"E08000001": 2}, 1, 1, 4)) is None
    assert places_fault(OccupancyInput({"E08000001": 3}, 1, 1, 4)) == (
        "children placed plus vacant places (5) must not be more than registered places (4)"
    )


class Typed:
    """A form field as the validator sees it: what was typed."""

    def __init__(self, data: str):
        self.data = data


def form_says(typed: str, what: str) -> str | None:
    try:
        Count(what, required=True)(None, Typed(typed))
    except StopValidation as stopped:
        return str(stopped)
    return None


@pytest.fixture
def signed(db_session):
    return signed_organisation(db_session, homes=1)


def signing_says(db_session, signed, change) -> list[str]:
    """What stops signing a complete draft once `change` is made to its home's figures."""
    quarterly_return = filled_return(db_session, signed, period_of(db_session))
    draft = json.loads(json.dumps(quarterly_return.draft))
    change(next(iter(draft["occupancy"].values())))
    quarterly_return.draft = draft
    db_session.flush()
    signing = submission.ReturnSigning("Amira Khan", "Director", quarterly_return.draft_lock)
    with pytest.raises(submission.Incomplete) as refused:
        submission.sign_return(
            db_session,
            Links.from_app(current_app),
            current_app.extensions["signing_key"],
            signed.user,
            quarterly_return,
            signing,
            SYSTEM,
            NOW,
        )
    return [item.message for item in refused.value.unfinished if item.section == "occupancy"]


@pytest.mark.parametrize("vacant, fault", [(-1, "must be 0 or more"), (MOST_PLACES + 1, "must be 9,999 or fewer")])
def test_the_form_the_draft_and_signing_say_a_bad_figure_alike(db_session, signed, vacant, fault):
    home = signed.homes[0]
    codes = gm_ons_codes(db_session)

    assert form_says(str(vacant), f"Vacant places at {home.name}") == f"Vacant places at {home.name} {fault}"
    draft = occupancy_problems([home], codes, {home.id: OccupancyInput({}, 0, vacant, 4)})
    assert draft == {(home.id, "vacant_places"): f"Vacant places at {home.name} {fault}"}
    assert signing_says(db_session, signed, lambda figures: figures.update(vacant_places=vacant)) == [
        f"Occupancy of {home.name}: vacant places {fault}"
    ]


def test_the_draft_and_signing_say_too_many_children_alike(db_session, signed):
    home = signed.homes[0]
    codes = gm_ons_codes(db_session)
    rule = "children placed plus vacant places (6) must not be more than registered places (4)"

    draft = occupancy_problems([home], codes, {home.id: OccupancyInput({codes[0]: 4}, 1, 1, 4)})
    assert draft == {(home.id, "registered_places"): f"C{rule[1:]} at {home.name}"}
    assert signing_says(db_session, signed, lambda figures: figures.update(placed_by={codes[0]: 4})) == [
        f"Occupancy of {home.name}: {rule}"
    ]


def test_the_form_refuses_what_is_not_a_whole_number_in_the_rules_words(db_session, signed):
    home = signed.homes[0]
    assert form_says("two", f"Vacant places at {home.name}") == f"Vacant places at {home.name} {count_fault('two')}"
    assert form_says("", f"Vacant places at {home.name}") == f"Enter the number of vacant places at {home.name}"
    assert form_says("3", f"Vacant places at {home.name}") is None
