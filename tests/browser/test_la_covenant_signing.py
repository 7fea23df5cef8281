"""An LA contact signs the covenant for their LA in the browser, naming its authorised officer, downloads
the signed receipt, and the receipt verifies with securesystemslib against the published keys."""

import pytest

from covenant_portal.access import Role
from tests.browser.receipts import download_receipt, verified_statement
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_an_la_contact_signs_for_their_la_and_the_receipt_verifies(portal, live_server, tmp_path):
    contact = live_server.create_user(role=Role.LA_CONTACT, full_name="Bea Bolton")
    portal.sign_in(contact.email, PASSWORD)
    portal.click_link("Sign the covenant for Bolton")
    assert portal.heading == "Sign the covenant for Bolton"
    portal.press("Sign the covenant", expected_status=400)
    assert "Confirm you are authorised to sign for Bolton" in portal.error_messages
    portal.page.locator("#confirm").check()
    portal.fill("Authorised officer’s full name", "Olu Officer")
    portal.fill("Authorised officer’s job title", "Director of Children’s Services")
    portal.press("Sign the covenant")
    assert portal.page.locator("h1").inner_text() == "Covenant signed for Bolton"
    reference = portal.page.locator(".govuk-panel__body strong").inner_text()
    statement = verified_statement(portal, download_receipt(portal, tmp_path, reference))
    assert statement["predicateType"] == "urn:gm-first:predicate:la-covenant-signature:v1"
    assert statement["predicate"]["authorisedOfficer"]["name"] == "Olu Officer"
    assert statement["predicate"]["signer"]["name"] == "Bea Bolton"
    portal.visit("/signatories")
    assert "1 of 10 local authorities have signed the current version" in portal.text
