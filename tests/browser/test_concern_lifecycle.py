"""Issue 13's "done when": one concern from logging to closure, each role doing its part in the
browser — the provider raises it about Bury and agrees the resolution, the Bury contact acknowledges
it, proposes the resolution and records the learning response as held, the officer arranges the
learning response (closing before the learning is recorded fails with what is missing), the
provider records the learning, the officer closes it — and the closure receipt verifies with
securesystemslib. Then the Bury contact marks the learning action done, and the officer publishes
the learning in the shared library (a name in it refused), where another provider finds it, with
no name shown."""

from datetime import UTC, datetime

import pytest

from covenant_portal.access import Role
from covenant_portal.db import get_session
from covenant_portal.filters import london_day
from tests.browser.receipts import verified_statement
from tests.factories import PASSWORD, local_authority

pytestmark = pytest.mark.browser


def fill_date(portal, name: str, day: str, month: str, year: str) -> None:
    boxes = portal.page.locator(f'input[name="{name}"]')
    for number, value in enumerate((day, month, year)):
        boxes.nth(number).fill(value)


def test_a_concern_goes_from_logging_to_a_signed_closure(open_portal, live_server):
    with live_server.app.app_context():
        bury_id = local_authority(get_session(), "Bury").id
        get_session().commit()
    provider = live_server.create_user(role=Role.PROVIDER, full_name="Sam Okafor")
    contact = live_server.create_user(role=Role.LA_CONTACT, local_authority_id=bury_id, full_name="Bury Contact")
    officer = live_server.create_user(role=Role.ESCALATION_OFFICER, full_name="Erin Officer")

    # The provider raises a concern about Bury's referral information.
    portal = open_portal()
    portal.sign_in(provider.email, PASSWORD)
    portal.visit("/concerns/new")
    portal.select("Who is the concern about?", "Bury")
    portal.choose("Referral information")
    portal.choose("High")
    fill_date(portal, "event_on", "27", "11", "2026")
    portal.fill("What happened?", "The referral left out the education plan.")
    portal.press("Raise the concern")
    concern_path = portal.path
    assert "Acknowledgement: by" in portal.text

    # The Bury contact is asked to acknowledge it, does, and proposes a resolution.
    la = open_portal()
    la.sign_in(contact.email, PASSWORD)
    la.visit("/dashboard")
    assert "Acknowledge the concern raised by" in la.text and "about referral information: due" in la.text
    la.visit(concern_path)
    la.click_link("Acknowledge the concern")
    la.press("Acknowledge the concern")
    la.click_link("Propose a resolution")
    la.fill("What do you propose to resolve it?", "We will resend the plan and add it to our checklist.")
    la.press("Propose the resolution")
    assert "Resolution proposed." in la.text

    # The provider agrees the resolution.
    portal.visit(concern_path)
    portal.click_link("Resolve the concern")
    assert "We will resend the plan" in portal.text
    portal.press("Resolve the concern")
    assert "Concern resolved." in portal.text

    # The officer cannot close it yet, and arranges a huddle.
    desk = open_portal()
    desk.sign_in(officer.email, PASSWORD)
    desk.visit(concern_path)
    assert "You can close this concern once its learning is recorded. Still missing:" in desk.text
    assert "what was learned" in desk.text
    assert desk.page.get_by_role("button", name="Close the concern").count() == 0
    desk.click_link("Arrange the learning response")
    desk.choose("Huddle")
    # Arranged for today: it cannot be recorded as held before the day it was arranged for.
    today = london_day(datetime.now(UTC))
    fill_date(desk, "on", str(today.day), str(today.month), str(today.year))
    desk.fill("Format", "Video call")
    desk.fill("Who attends?", "The home's manager and the referrals team")
    desk.press("Arrange the learning response")
    assert "Learning response arranged." in desk.text

    # The Bury contact records it as held; the provider records the learning.
    la.visit(concern_path)
    la.click_link("Record the learning response as held")
    la.fill("Notes from the learning response", "Both sides went through the referral together.")
    la.press("Record it as held")
    portal.visit(concern_path)
    portal.click_link("Record the learning")
    portal.fill("What was learned?", "Check the referral holds the education plan before the move.")
    portal.fill("Action 1 (optional)", "Add the plan to the referral checklist")
    portal.fill("Who owns action 1?", "Referrals team manager")
    fill_date(portal, "due_1", "15", "1", "2027")
    portal.press("Record the learning")
    assert "An escalation officer can now close the concern." in portal.text

    # The officer closes it; the receipt verifies.
    desk.visit(concern_path)
    desk.press("Close the concern")
    assert "Concern closed." in desk.text
    href = desk.page.get_by_role("link", name="Download the closure receipt", exact=False).first.get_attribute("href")
    for party in (portal, la):
        response = party.page.request.get(party.base_url + href)
        assert response.ok, response.status
        statement = verified_statement(party, response.body())
        assert statement["predicateType"] == "urn:gm-first:predicate:concern-closure:v1"

    # The Bury contact marks the learning action done.
    la.visit(concern_path)
    la.click_link("Mark it done – Add the plan to the referral checklist")
    la.fill("Anything to add? (optional)", "The checklist is updated.")
    la.press("Mark the action done")
    assert "Action marked done." in la.text

    # The officer writes up the learning for the library (a name is refused) and publishes it;
    # another provider finds it there, with no name shown.
    desk.visit(concern_path)
    desk.click_link("Write a learning summary for the library")
    desk.choose("Learning from the concern")
    desk.fill("Title", "Education plans travel with the referral")
    desk.fill("What happened, in general terms", "Bury sent a referral without the education plan.")
    desk.fill("What was learned", "Check the referral holds the education plan before the move.")
    desk.choose("Referral information")
    desk.choose("Education")
    desk.press("Save the draft", expected_status=400)
    assert "Remove Bury" in desk.text
    desk.fill("What happened, in general terms", "A local authority sent a referral without the education plan.")
    desk.press("Save the draft")
    desk.press("Publish the summary")
    assert "Summary published in the learning library." in desk.text
    reader = open_portal()
    reader.sign_in(live_server.create_user(role=Role.PROVIDER).email, PASSWORD)
    reader.visit("/learning")
    reader.fill("Search", "education plan")
    reader.press("Search")
    reader.click_link("Education plans travel with the referral")
    assert "a local authority" in reader.text and "Bury" not in reader.text
