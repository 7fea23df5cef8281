"""Issue 12's "done when": a provider reads the needs statements and submits a proposal for a home
in Bury; a Bury contact takes it and asks for more information; the provider answers; the contact
records "Supported with conditions"; a Wigan contact comments; the provider receives each email over
a real SMTP server; the proposal's and the outcome's receipts verify with securesystemslib."""

import pytest

from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM
from covenant_portal.db import get_session, utcnow
from covenant_portal.expansions.needs import service as needs
from tests.browser.receipts import verified_statement
from tests.contacts.contacts import name_la_contact
from tests.expansions.helpers import need_input
from tests.factories import PASSWORD, local_authority

pytestmark = pytest.mark.browser


def la_contact(live_server, name: str):
    with live_server.app.app_context():
        session = get_session()
        authority_id = local_authority(session, name).id
    user = live_server.create_user(role=Role.LA_CONTACT, local_authority_id=authority_id, full_name=f"{name} Contact")
    with live_server.app.app_context():
        session = get_session()
        name_la_contact(session, session.merge(user), email=user.email)
        session.commit()
    return user


def receipt(portal, path: str) -> bytes:
    response = portal.page.request.get(portal.base_url + path)
    assert response.ok, response.status
    return response.body()


def test_a_proposal_for_bury_is_triaged_supported_with_conditions_and_commented_on(open_portal, live_server):
    provider = live_server.create_user(role=Role.PROVIDER, full_name="Sam Okafor")
    bury = la_contact(live_server, "Bury")
    wigan = la_contact(live_server, "Wigan")
    with live_server.app.app_context():
        session = get_session()
        needs.publish(session, session.merge(bury), need_input(session, "Bury", area="Radcliffe"), SYSTEM, utcnow())

    # The provider reads the needs statements and drafts a proposal, section by section.
    portal = open_portal()
    portal.sign_in(provider.email, PASSWORD)
    portal.visit("/expansions/needs")
    assert "Radcliffe" in portal.text and "Emotional and behavioural difficulties" in portal.text
    portal.visit("/expansions/proposals")
    portal.press("Start a proposal")
    portal.fill("A short name for the proposal", "Radcliffe House")
    portal.choose("New home")
    portal.choose("Bury")
    portal.fill("Postcode district", "BL9 0AA")
    portal.choose("Emotional and behavioural difficulties")
    portal.fill("The needs it serves (as in the Statement of Purpose)", "Young people with emotional difficulties.")
    for label, value in (
        ("Number of places", "3"),
        ("Youngest age", "12"),
        ("Oldest age", "17"),
        ("Month", "9"),  # the planned opening: a date input, month and year
        ("Year", "2027"),
    ):
        portal.fill(label, value)
    portal.press("Save and continue", expected_status=400)
    assert any("postcode district only" in message for message in portal.error_messages)
    assert portal.page.get_by_label("Oldest age", exact=True).input_value() == "17"  # nothing typed is lost
    portal.fill("Postcode district", "BL9")
    portal.press("Save and continue")
    portal.choose("Not yet applied")
    portal.choose("Not needed")
    portal.fill("Staffing model", "Two staff by day, one waking night.")
    portal.fill("Weekly fee from, in pounds", "4500")
    portal.fill("Weekly fee to, in pounds", "5500")
    portal.press("Save and continue")
    portal.page.get_by_label("Emotional and behavioural difficulties, ages 11 to 17", exact=False).check()
    portal.fill("How Greater Manchester children will be given priority", "GM referrals are considered first.")
    portal.press("Save and continue")
    portal.fill("Services consulted", "Schools, CAMHS and the GP practice.")
    portal.fill("Police contacted", "The neighbourhood team raised no concern.")
    portal.fill("Risks and how they are managed", "A busy road: staff accompany young people.")
    portal.fill("Other homes nearby", "One other home within two miles.")
    portal.press("Save and continue")
    assert portal.heading == "Check your proposal"
    portal.press("Submit proposal")
    proposal_path = portal.path
    assert "Version 1 of your proposal is submitted and signed." in portal.text
    assert "10 working days left" in portal.text
    proposal_id = int(proposal_path.rsplit("/", 1)[1])

    # The Bury contact takes it from the queue and asks for more information.
    la = open_portal()
    la.sign_in(bury.email, PASSWORD)
    la.visit("/la/expansions")
    la.click_link("Radcliffe House")
    la.press("Take this proposal")
    assert "Taken by Bury Contact" in la.text
    la.fill("What do you need to know?", "How many staff will be on waking nights at weekends?")
    la.press("Ask the provider")
    assert "(paused)" in la.text

    # The provider answers; the clock runs again.
    portal.visit(proposal_path)
    assert "How many staff will be on waking nights at weekends?" in portal.text
    portal.fill("Your answer", "One waking night and one sleeping in, every night.")
    portal.press("Send answer")

    # The Bury contact records "Supported with conditions".
    la.visit(f"/la/expansions/{proposal_id}")
    assert "One waking night and one sleeping in" in la.text
    la.press("Record a response")
    la.choose("Supported with conditions")
    la.fill("Conditions, reason or notes", "Places offered to GM local authorities first.")
    la.press("Sign and send the response")
    assert "Supported with conditions" in la.heading
    outcome_receipt_path = la.page.get_by_role("link", name="Download the receipt").get_attribute("href")

    # A Wigan contact comments, and cannot record a response.
    other = open_portal()
    other.sign_in(wigan.email, PASSWORD)
    other.visit(f"/la/expansions/{proposal_id}")
    assert "Only Bury’s contacts can respond" in other.text
    other.fill("Message", "We have children who would need this.")
    other.press("Send")
    other.visit(f"/la/expansions/{proposal_id}/outcome", expected_status=404)

    # The provider received each email over SMTP.
    live_server.send_outbox()
    subjects = [message["Subject"] for message in live_server.smtp_server.messages_to(provider.email)]
    assert any("Your expansion proposal is submitted (receipt GMF-" in subject for subject in subjects)
    assert any(subject.startswith("More information asked for") for subject in subjects)
    assert any(subject.startswith("Bury’s response: Supported with conditions") for subject in subjects)
    assert any(subject.startswith("Comment from Wigan") for subject in subjects)
    assert any("to triage" in m["Subject"] for m in live_server.smtp_server.messages_to(bury.email))
    assert any("For information" in m["Subject"] for m in live_server.smtp_server.messages_to(wigan.email))

    # Both receipts verify with securesystemslib; the outcome cites the proposal's digest.
    proposal_statement = verified_statement(portal, receipt(portal, f"/expansions/{proposal_id}/versions/1/receipt"))
    outcome_statement = verified_statement(portal, receipt(portal, outcome_receipt_path))
    assert proposal_statement["predicateType"] == "urn:gm-first:predicate:expansion-proposal:v1"
    assert outcome_statement["predicateType"] == "urn:gm-first:predicate:expansion-outcome:v1"
    assert (
        outcome_statement["predicate"]["proposal"]["documentSha256"]
        == proposal_statement["subject"][0]["digest"]["sha256"]
    )
    assert outcome_statement["predicate"]["outcome"]["value"] == "supported_with_conditions"
