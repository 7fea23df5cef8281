"""A return's draft pages in a browser without JavaScript, each checked by axe-core: start, a pledge
with a mistake then saved, occupancy with a mistake then saved, contacts, check answers."""

import pytest

from covenant_portal.db import get_session
from tests.returns.helpers import make_periods, signed_organisation
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_draft_is_filled_in_without_javascript(open_portal, live_server):
    with live_server.app.app_context():
        session = get_session()
        signed = signed_organisation(session, homes=1, full_name="Rae Provider")
        session.commit()
        make_periods(session)  # as the portal's start-up and daily job do
        email, home_name = signed.user.email, signed.homes[0].name
    portal = open_portal(javascript_enabled=False)
    portal.sign_in(email, PASSWORD)

    portal.visit("/returns")
    portal.press("Start a new return for Q1 2026 to 2027")
    assert portal.heading == "Your return for Q1 2026 to 2027"

    portal.click_link("Pledge 1")
    portal.choose("Partly met")
    portal.press("Save and continue", expected_status=400)
    assert portal.error_messages == ["Explain how you kept the pledge, or why you could not"]
    assert portal.page.get_by_label("Partly met", exact=True).is_checked()
    portal.fill("How did you keep it?", "We shared every vacancy with the ten LAs first.")
    portal.press("Save and continue")
    assert "Pledge 1 has been saved." in portal.text
    assert portal.heading == "Pledge 2"  # on to the next section
    portal.press("Save and return to the task list", expected_status=400)  # pledge 2 is still unanswered
    portal.click_link("Back to the return")
    assert portal.heading == "Your return for Q1 2026 to 2027"

    portal.click_link("Occupancy of your homes")
    portal.fill("Vacant places", "5")
    portal.press("Save and continue", expected_status=400)
    assert portal.error_messages == [
        f"Children placed plus vacant places (5) must not be more than registered places (4) at {home_name}"
    ]
    assert portal.page.get_by_label("Vacant places", exact=True).input_value() == "5"
    portal.fill("Vacant places", "1")
    portal.fill("Bolton", "3")
    portal.press("Save and continue")
    assert portal.heading == "Confirm your named contacts"  # the section after occupancy

    portal.choose("These are our named contacts for vacancies and referrals")
    portal.press("Save and continue")
    assert portal.heading == "Check your answers"  # the last section leads to check answers
    assert "You need to finish 10 sections before you can sign" in portal.text
    assert "You cannot sign the return yet" in portal.text

    portal.click_link("Back to the return")
    assert "You have completed 3 of 13 sections" in portal.text
    portal.press("Check your answers")
    assert portal.heading == "Check your answers"
