"""A provider fills in its quarterly return over two sign-ins, makes a mistake and keeps what it typed,
attaches evidence, signs the return, downloads the receipt and verifies it with securesystemslib
against the keys the portal publishes; the LA contact of the LA hosting its home then sees the
return in the compliance table."""

import hashlib
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from covenant_portal.accounts.models import ProviderOrganisation, User
from covenant_portal.access import Role
from covenant_portal.returns.drafts import service as drafts
from covenant_portal.returns.drafts.rules import PledgeInput
from covenant_portal.returns.models import QuarterlyReturn, ReturnPeriod
from covenant_portal.audit.service import SYSTEM
from covenant_portal.db import get_session, utcnow
from covenant_portal.signing.models import LedgerEntry
from tests.returns.evidence_files import PDF
from tests.covenant.helpers import create_named_contact, sign_current_version
from tests.returns.helpers import make_periods
from tests.browser.receipts import download_receipt, verified_statement
from tests.factories import PASSWORD, local_authority
from tests.homes.homes import create_home

pytestmark = pytest.mark.browser

ORGANISATION = "Brightwater Children's Homes Ltd"
PERIOD = "Q1 2026 to 2027"
HOME = "Oak House"


def signed_provider(live_server):
    """A provider admin whose organisation signed the covenant in January 2026 (so it owes the
    return for April to June 2026), with a named contact and one open home in Bolton."""
    signer = live_server.create_user(role=Role.PROVIDER, full_name="Sam Okafor", job_title="Registered manager")
    with live_server.app.app_context():
        session = get_session()
        organisation = session.get(ProviderOrganisation, signer.organisation_id)
        organisation.name = ORGANISATION
        create_named_contact(session, organisation)
        create_home(session, organisation, name=HOME, registered_places=4)
        sign_current_version(session, signer, now=datetime(2026, 1, 15, 10, 0, tzinfo=UTC))
        session.commit()
        make_periods(session)  # as the portal's start-up and daily job do
    return signer


def test_a_provider_fills_and_signs_a_return_and_the_host_la_sees_it(open_portal, live_server, tmp_path):
    signer = signed_provider(live_server)
    bolton = live_server.create_user(role=Role.LA_CONTACT, local_authority_id=_bolton_id(live_server))

    # First sign-in: start the return, answer the pledges, attach evidence to pledge 1.
    first = open_portal()
    first.sign_in(signer.email, PASSWORD)
    first.visit("/returns")
    first.press(f"Start a new return for {PERIOD}")
    return_path = first.path
    assert first.heading == f"Your return for {PERIOD}"
    for number in (1, 11):
        first.visit(f"{return_path}/pledges/{number}")
        first.choose("Partly met" if number == 11 else "Met")
        first.press("Save and continue", expected_status=400 if number == 11 else 200)
        if number == 1:
            assert first.path == f"{return_path}/pledges/2"  # "Save and continue" goes on to the next section
    # Pledge 11 was not met in full, so it needs a narrative: the answer chosen is kept.
    assert first.error_messages == ["Explain how you kept the pledge, or why you could not"]
    assert first.page.get_by_label("Partly met", exact=True).is_checked()
    first.fill("How did you keep it?", "Two of our four managers completed the training; two start in July.")
    first.press("Save and continue")
    assert first.path == f"{return_path}/occupancy"  # the section after the last pledge
    first.visit(f"{return_path}/pledges/1/evidence")
    first.page.get_by_label("Upload a file", exact=True).set_input_files(
        files=[{"name": "training-log.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    first.press("Upload file")
    assert "training-log.pdf is attached to pledge 1." in first.text

    # Meanwhile a colleague answers pledges 2 to 10 (through the drafts service: eleven pages in
    # the browser would only make this test slower).
    colleague_answers(live_server, signer, int(return_path.rsplit("/", 1)[1]), range(2, 11))

    # Second sign-in, in another browser: the draft is where it was left.
    second = open_portal()
    second.sign_in(signer.email, PASSWORD)
    second.visit("/returns")
    second.click_link(f"Continue the return for {PERIOD}")
    assert second.path == return_path
    second.visit(f"{return_path}/occupancy")  # one home, so each label is the home's
    second.fill("Registered places", "4")
    second.fill("Vacant places", "3")
    second.fill("Bolton", "2")
    second.fill("Children placed by local authorities outside Greater Manchester", "0")
    second.press("Save and continue", expected_status=400)
    assert any("must not be more than registered places (4)" in message for message in second.error_messages)
    assert second.page.get_by_label("Bolton", exact=True).input_value() == "2"
    assert second.page.get_by_label("Vacant places", exact=True).input_value() == "3"
    second.fill("Vacant places", "1")
    second.press("Save and continue")
    assert second.path == f"{return_path}/contacts"
    second.choose("These are our named contacts for vacancies and referrals")
    second.press("Save and continue")

    # The last section leads to check answers, where the declaration and the sign button are.
    assert second.path == f"{return_path}/check"
    assert second.heading == "Check your answers"
    assert "Now send your return" in second.text
    second.fill("Job title", "")
    second.press("Sign and submit the return", expected_status=400)
    assert second.error_messages == ["Confirm that the return is accurate and complete", "Enter your job title"]
    assert second.page.get_by_label("Full name", exact=True).input_value() == "Sam Okafor"
    second.page.locator("#confirm").check()
    second.fill("Job title", "Managing director")
    second.press("Sign and submit the return")

    assert second.page.locator("h1.govuk-panel__title").inner_text() == "Return signed"
    reference = second.page.locator(".govuk-panel__body strong").inner_text()
    receipt = download_receipt(second, tmp_path, reference)

    statement = verified_statement(second, receipt)
    assert statement["predicateType"] == "urn:gm-first:predicate:attestation-return:v1"
    predicate = statement["predicate"]
    assert predicate["signer"]["name"] == "Sam Okafor" and predicate["signer"]["jobTitle"] == "Managing director"
    assert predicate["organisation"]["name"] == ORGANISATION
    assert predicate["period"] == {"financialYear": 2026, "quarter": 1}
    with live_server.app.app_context():
        session = get_session()
        assert session.get(LedgerEntry, int(reference.removeprefix("GMF-"))).envelope == receipt
    # Said first in words; the formats and digests are for auditors, folded away until opened.
    assert f"Sam Okafor signed the quarterly return for {PERIOD} for {ORGANISATION} on " in second.text
    second.page.get_by_text("For auditors", exact=True).click()
    # The signed document, with the evidence file's hash, is what the subject digest covers.
    document_url = second.page.get_by_role("link", name="download version 1 as JSON").get_attribute("href")
    document = second.page.request.get(second.base_url + document_url).body()
    assert hashlib.sha256(document).hexdigest() == statement["subject"][0]["digest"]["sha256"]
    signed_document = json.loads(document)
    assert signed_document["pledges"][0]["evidence"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert signed_document["occupancy"][0]["vacantPlaces"] == 1

    live_server.send_outbox()
    (email,) = [m for m in live_server.smtp_server.messages_to(signer.email) if reference in m["Subject"]]
    assert PERIOD in email["Subject"]

    # The LA contact of Bolton, which hosts Oak House, sees the signed return.
    la = open_portal()
    la.sign_in(bolton.email, PASSWORD)
    la.visit(f"/la/returns?period={_period_id(live_server)}")
    row = la.page.locator("tr", has_text=ORGANISATION)
    assert "Submitted" in row.inner_text()
    assert row.locator(".govuk-tag", has_text="Met").count() >= 10
    assert row.locator(".govuk-tag", has_text="Partly met").count() == 1
    la.click_link(ORGANISATION)
    assert "Two of our four managers completed the training" in la.text


def colleague_answers(live_server, signer, return_id: int, numbers) -> None:
    colleague = live_server.create_user(
        role=Role.PROVIDER, organisation_id=signer.organisation_id, is_organisation_admin=False
    )
    with live_server.app.app_context():
        session = get_session()
        quarterly_return = session.get(QuarterlyReturn, return_id)
        user = session.get(User, colleague.id)
        for number in numbers:
            shown = drafts.seen(quarterly_return, drafts.pledge_path(number))
            drafts.save_pledge(session, quarterly_return, number, PledgeInput("met", ""), shown, user, SYSTEM, utcnow())


def _bolton_id(live_server) -> int:
    with live_server.app.app_context():
        return local_authority(get_session(), "Bolton").id


def _period_id(live_server) -> int:
    with live_server.app.app_context():
        return get_session().scalar(
            select(ReturnPeriod.id).where(ReturnPeriod.financial_year == 2026, ReturnPeriod.quarter == 1)
        )
