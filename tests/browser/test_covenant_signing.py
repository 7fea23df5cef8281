"""A provider organisation admin reads the covenant and signs it in the browser, downloads the
signed receipt, and the receipt is verified with securesystemslib against the keys the portal
publishes at /.well-known/gm-first-keys.json: standard tools, not the portal's own code."""

import pytest

from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.access import Role
from covenant_portal.db import get_session
from covenant_portal.signing.models import LedgerEntry
from tests.covenant.helpers import create_named_contact
from tests.browser.receipts import download_receipt, verified_statement
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

DECLARATION = (
    "I confirm I am authorised to sign for Brightwater Children's Homes Ltd, and I sign version 1 "
    "of the GM First Covenant on its behalf."
)


def test_a_provider_signs_the_covenant_and_verifies_the_receipt_with_securesystemslib(portal, live_server, tmp_path):
    signer = live_server.create_user(role=Role.PROVIDER, full_name="Sam Okafor", job_title="Registered manager")
    with live_server.app.app_context():
        session = get_session()
        session.get(ProviderOrganisation, signer.organisation_id).name = "Brightwater Children's Homes Ltd"
        create_named_contact(session, signer.organisation)
        session.commit()

    portal.sign_in(signer.email, PASSWORD)
    assert "Brightwater Children's Homes Ltd has not signed the covenant yet" in portal.text
    portal.click_link("Covenant")
    assert portal.heading == "GM First: LA and Provider Covenant"
    assert "Have a genuine interest in taking placements" in portal.text

    portal.press("Sign the covenant")
    assert portal.heading == "Sign the covenant"
    portal.fill("Job title", "")
    portal.press("Sign the covenant", expected_status=400)
    assert portal.error_messages == [
        "Confirm you are authorised to sign for Brightwater Children's Homes Ltd",
        "Enter your job title",
    ]
    assert portal.page.get_by_label("Full name", exact=True).input_value() == "Sam Okafor"
    portal.choose(DECLARATION)
    portal.fill("Job title", "Managing director")
    portal.press("Sign the covenant")

    assert portal.page.locator("h1").inner_text() == "Covenant signed"
    reference = portal.page.locator(".govuk-panel__body strong").inner_text()
    assert reference.startswith("GMF-")
    receipt_bytes = download_receipt(portal, tmp_path, reference)

    statement = verified_statement(portal, receipt_bytes)
    assert statement["predicateType"] == "urn:gm-first:predicate:covenant-signature:v1"
    predicate = statement["predicate"]
    assert predicate["signer"]["name"] == "Sam Okafor" and predicate["signer"]["jobTitle"] == "Managing director"
    assert predicate["organisation"]["name"] == "Brightwater Children's Homes Ltd"
    assert predicate["ceremony"]["declaration"] == DECLARATION
    assert predicate["ceremony"]["authentication"]["signedInAt"], "the password sign-in just made"

    seq = int(reference.removeprefix("GMF-"))
    with live_server.app.app_context():
        assert get_session().get(LedgerEntry, seq).envelope == receipt_bytes

    live_server.send_outbox()
    (email,) = live_server.smtp_server.messages_to(signer.email)
    assert reference in email["Subject"]

    portal.visit("/signatories")
    assert "Brightwater Children's Homes Ltd" in portal.text
