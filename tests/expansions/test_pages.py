"""The expansions pages: needs statements (page and CSV), the draft section by section with errors
kept and conflicts shown, check and submit, the LA's triage page, the letter, and who may do what."""

import csv
import io
import re
from datetime import timedelta

import pytest

from covenant_portal.audit.service import SYSTEM
from covenant_portal.db import utcnow
from covenant_portal.filters import london_day

from covenant_portal.access import Role
from covenant_portal.expansions.proposals import drafts, rules, submission
from covenant_portal.expansions.triage import service as triage
from tests.factories import create_user
from tests.expansions.helpers import ANSWERS, draft, links, outcome, people, publish_need, submitted

HIDDEN = re.compile(r'name="(draft_lock|fingerprint)"[^>]*value="([^"]*)"')


@pytest.fixture
def who(db_session):
    return people(db_session)


def hidden(page_html: str) -> dict:
    return dict(HIDDEN.findall(page_html))


def test_providers_read_every_las_needs_filtered_and_as_csv(client_request, db_session, who):
    publish_need(db_session, who.bury, notes='=HYPERLINK("http://evil.example")')
    publish_need(db_session, who.wigan, name="Wigan", category="fostering", area="Leigh")
    client_request.login(who.provider)
    page = client_request.get_page("expansion_needs.needs")
    assert "Bury" in page.text and "Wigan" in page.text and "Publish a need" not in page.text
    filtered = client_request.get_page("expansion_needs.needs", category="fostering")
    assert "Wigan" in filtered.text and "Radcliffe" not in filtered.text
    response = client_request.get("expansion_needs.needs_csv", local_authority="E08000002")
    cells = [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True))) for cell in row]
    assert '\'=HYPERLINK("http://evil.example")' in cells  # kept, as text a spreadsheet does not run
    assert "Wigan" not in cells


def test_an_la_contact_publishes_a_need_and_errors_keep_what_was_typed(client_request, db_session, who):
    client_request.login(who.bury)
    data = {
        "category": "fostering",
        "age_from": "9",
        "age_to": "x",
        "places_wanted": "2",
        "priority": "low",
        "area": "Ramsbottom",
        "notes": "",
        "review_on": ["31", "3", "2027"],
    }
    response = client_request.post("expansion_needs.new_need", data, expected_status=400)
    assert response.page.title.startswith("Error: ")
    assert "Oldest age must be a whole number" in response.page.error_for("age_to")
    assert 'value="Ramsbottom"' in response.get_data(as_text=True)
    client_request.post("expansion_needs.new_need", {**data, "age_to": "15"}, expected_redirect="expansion_needs.needs")
    assert "Ramsbottom" in client_request.get_page("expansion_needs.needs").text


def test_withdrawing_a_need_says_it_is_withdrawn(client_request, db_session, who):
    need = publish_need(db_session, who.bury)
    client_request.login(who.bury)
    url = client_request.url_for("expansion_needs.withdraw_need", need_id=need.id)
    client_request.post(url, expected_redirect="expansion_needs.needs")
    page = client_request.get_page("expansion_needs.needs")
    assert "The need is withdrawn. Providers no longer see it." in page.text
    assert not page.select(f'a[href="{url}"]')


def test_a_postcode_typed_in_a_number_field_is_refused_as_not_a_number(client_request, db_session, who):
    """A number field's own rule speaks: "M1 1AE" is not a whole number (the identifier check, with
    its postcode message, is for free text), in a need and in a proposal's section alike."""
    client_request.login(who.bury)
    typed = {"age_from": "M1 1AE", "age_to": "M1 1AE", "places_wanted": "M1 1AE"}
    data = {"category": "fostering", "priority": "low", "review_on": ["31", "3", "2027"], **typed}
    response = client_request.post("expansion_needs.new_need", data, expected_status=400)
    assert response.page.error_for("age_from") == "Youngest age must be a whole number from 0 to 25"
    assert response.page.error_for("age_to") == "Oldest age must be a whole number from 0 to 25"
    assert response.page.error_for("places_wanted") == "Places wanted must be a whole number from 1 to 500"
    assert "postcode" not in response.page.text.lower() and 'value="M1 1AE"' in response.get_data(as_text=True)
    proposal = draft(db_session, who.provider, {"service": ANSWERS["service"]})
    client_request.login(who.provider)
    url = client_request.url_for("expansion_proposals.section", proposal_id=proposal.id, section="service")
    shown = hidden(client_request.get(url).get_data(as_text=True))
    response = client_request.post(url, {**ANSWERS["service"], **shown, "places": "M1 1AE"}, expected_status=400)
    assert response.page.error_for("places") == "Number of places must be a whole number, like 4"
    assert 'value="M1 1AE"' in response.get_data(as_text=True)


def test_an_la_contacts_dashboard_asks_them_to_review_a_need_past_its_review_date(client_request, db_session, who):
    today = london_day(utcnow())
    past = publish_need(db_session, who.bury, now=utcnow() - timedelta(days=90), review_on=today - timedelta(days=1))
    publish_need(db_session, who.bury, category="fostering", review_on=today + timedelta(days=30))
    publish_need(db_session, who.wigan, name="Wigan", now=utcnow() - timedelta(days=90), review_on=today)
    client_request.login(who.bury)
    page = client_request.get_page("pages.dashboard")
    asked = [a for a in page.select("a") if a.get_text(" ", strip=True).startswith("Review ")]
    words = f"Review Bury’s emotional and behavioural difficulties need: its review date, {past.review_on:%-d %B %Y}"
    assert [a.get_text(" ", strip=True) for a in asked] == [f"{words}, has passed"]
    assert asked[0]["href"] == f"/expansions/needs/{past.id}/edit"
    edit = client_request.get_page("expansion_needs.edit_need", need_id=past.id)
    assert edit.select_one(f'a[href="/expansions/needs/{past.id}/withdraw"]') is not None


def test_an_la_contacts_dashboard_counts_the_proposals_waiting_in_words(client_request, db_session, who):
    client_request.login(who.bury)
    panel = client_request.get_page("pages.dashboard").text
    assert "No proposals for Bury waiting for a first response." in panel
    assert "0 proposals" not in panel
    submitted(db_session, who.provider)
    assert "1 proposal for Bury waiting for a first response." in client_request.get_page("pages.dashboard").text


def test_the_draft_is_saved_section_by_section_and_a_colleagues_save_is_shown(client_request, db_session, who):
    proposal = draft(db_session, who.provider, {"service": ANSWERS["service"]})
    client_request.login(who.provider)
    url = client_request.url_for("expansion_proposals.section", proposal_id=proposal.id, section="service")
    shown = hidden(client_request.get(url).get_data(as_text=True))
    bad = {**ANSWERS["service"], **shown, "postcode_district": "BL9 0AA"}
    response = client_request.post(url, bad, expected_status=400)
    assert "postcode district only" in response.page.error_for("postcode_district")
    assert 'value="BL9 0AA"' in response.get_data(as_text=True)
    drafts.save_section(  # a colleague saves the same section meanwhile
        db_session,
        proposal,
        "service",
        {**ANSWERS["service"], "places": "6"},
        drafts.seen(proposal, "service"),
        who.provider,
        SYSTEM,
        utcnow(),
    )
    response = client_request.post(url, {**ANSWERS["service"], **shown, "places": "4"}, expected_status=409)
    assert "saved this section" in response.page.text and 'value="4"' in response.get_data(as_text=True)
    assert proposal.draft["service"]["places"] == "6"


def test_the_same_postcode_in_every_location_answer_is_named_once_for_each_answer(client_request, db_session, who):
    proposal = draft(db_session, who.provider, {"service": ANSWERS["service"]})
    client_request.login(who.provider)
    url = client_request.url_for("expansion_proposals.section", proposal_id=proposal.id, section="location")
    shown = hidden(client_request.get(url).get_data(as_text=True))
    typed = {name: "Near BL9 0AA" for name in ANSWERS["location"]}
    response = client_request.post(url, {**shown, **typed}, expected_status=400)
    links = [
        (item["href"].removeprefix("#"), " ".join(item.get_text().split()))
        for item in response.page.select(".govuk-error-summary__list a")
    ]
    labels = {question.name: question.label for question in rules.questions("location")}
    assert [name for name, _text in links] == list(typed)  # each entry links to its own field
    assert len({text for _name, text in links}) == len(links)  # no two say the same
    for name, text in links:
        assert text.startswith(f"In “{labels[name]}”, remove the postcode BL9 0AA")
        assert response.page.error_for(name) == text  # the same words next to the field
    assert proposal.draft.get("location") in (None, {})


def test_check_and_submit_then_the_host_la_triages(client_request, another_browser, db_session, who):
    proposal = draft(db_session, who.provider)
    client_request.login(who.provider)
    check = client_request.get("expansion_proposals.check", proposal_id=proposal.id)
    assert "Radcliffe House" in check.page.text
    client_request.post(
        client_request.url_for("expansion_proposals.check", proposal_id=proposal.id),
        {"draft_lock": str(proposal.draft_lock)},
        expected_redirect=client_request.url_for("expansion_proposals.proposal", proposal_id=proposal.id),
    )
    page = client_request.get_page("expansion_proposals.proposal", proposal_id=proposal.id)
    assert "working days left" in page.text and "Version 1" in page.text

    another_browser.login(who.bury)
    queue = another_browser.get_page("expansion_triage.queue")
    assert "Radcliffe House" in queue.text
    la_url = another_browser.url_for("expansion_triage.proposal", proposal_id=proposal.id)
    another_browser.post(
        another_browser.url_for("expansion_triage.take", proposal_id=proposal.id),
        {},
        form_url=la_url,
        expected_redirect=la_url,
    )
    assert f"Taken by {who.bury.full_name}" in another_browser.get_page(la_url).text


def test_a_proposal_someone_has_taken_is_offered_to_take_over_from_them(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    triage.take(db_session, who.bury_colleague, proposal, SYSTEM, utcnow())
    client_request.login(who.bury)
    page = client_request.get_page("expansion_triage.proposal", proposal_id=proposal.id)
    assert f"Take this proposal over from {who.bury_colleague.full_name}" in page.text


def test_another_las_contact_reads_and_comments_but_cannot_decide(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    client_request.login(who.wigan)
    la_url = client_request.url_for("expansion_triage.proposal", proposal_id=proposal.id)
    page = client_request.get_page(la_url)
    assert "Only Bury’s contacts can respond" in page.text and "Record a response" not in page.text
    client_request.get("expansion_triage.outcome", proposal_id=proposal.id, expected_status=404)
    response = client_request.post(
        client_request.url_for("expansion_triage.outcome", proposal_id=proposal.id),
        {"outcome": "supported"},
        form_url=la_url,
        expected_status=404,
    )
    client_request.post(
        client_request.url_for("expansion_triage.message", proposal_id=proposal.id),
        {"text": "We have children who would need this."},
        form_url=la_url,
        expected_redirect=la_url,
    )
    assert "We have children who would need this." in client_request.get_page(la_url).text
    assert response.status_code == 404


@pytest.fixture
def closed(db_session, who):
    """A proposal decided and one withdrawn."""
    decided = submitted(db_session, who.provider)
    outcome(db_session, who.bury, decided, "supported")
    withdrawn = submitted(db_session, who.provider)
    submission.withdraw(db_session, who.provider, withdrawn, SYSTEM, utcnow())
    return decided, withdrawn


def test_the_response_page_of_a_proposal_no_longer_open_goes_back_to_it_saying_so(client_request, who, closed):
    """Reached again (the browser's Back after responding, a bookmark) once decided or withdrawn, the
    response page says the proposal is no longer open rather than offer a form it would refuse."""
    client_request.login(who.bury)
    for proposal in closed:
        la_url = client_request.url_for("expansion_triage.proposal", proposal_id=proposal.id)
        client_request.get("expansion_triage.outcome", proposal_id=proposal.id, expected_redirect=la_url)
        page = client_request.get_page(la_url)
        assert "This proposal is no longer open." in page.text and "Record a response" not in page.text


def test_withdrawing_a_proposal_no_longer_open_goes_back_to_it_saying_so(client_request, db_session, who, closed):
    """The provider's confirmation to withdraw, reached again once withdrawn or decided, asks nothing."""
    client_request.login(who.provider)
    for proposal in closed:
        url = client_request.url_for("expansion_proposals.proposal", proposal_id=proposal.id)
        client_request.get("expansion_proposals.withdraw", proposal_id=proposal.id, expected_redirect=url)
        page = client_request.get_page(url)
        assert "This proposal can no longer be withdrawn." in page.text and "Withdraw the proposal" not in page.text
    still_open = submitted(db_session, who.provider)
    page = client_request.get_page("expansion_proposals.withdraw", proposal_id=still_open.id)
    assert page.h1 == f"Withdraw “{still_open.title}”?"


def test_a_question_never_answered_waits_for_nothing_once_the_proposal_is_closed(client_request, db_session, who):
    """Decided or withdrawn with a question unanswered: neither side is told it waits for an answer
    (nor the provider asked for one, "the clock is paused until you answer"); the timeline keeps it."""
    decided = submitted(db_session, who.provider)
    triage.request_information(db_session, links(), who.bury, decided, "How many staff at night?", SYSTEM, utcnow())
    outcome(db_session, who.bury, decided, "supported", now=utcnow())
    withdrawn = submitted(db_session, who.provider)
    triage.request_information(db_session, links(), who.bury, withdrawn, "How many staff at night?", SYSTEM, utcnow())
    submission.withdraw(db_session, who.provider, withdrawn, SYSTEM, utcnow())
    for proposal in (decided, withdrawn):
        client_request.login(who.bury)
        page = client_request.get_page("expansion_triage.proposal", proposal_id=proposal.id)
        assert not page.select("#information-request") and "How many staff at night?" in page.text
        client_request.login(who.provider)
        url = client_request.url_for("expansion_proposals.proposal", proposal_id=proposal.id)
        page = client_request.get_page(url)
        assert not page.select("#information-request") and not page.select("form[action$='/answer']")
        answer = client_request.url_for("expansion_proposals.answer", proposal_id=proposal.id)
        listed = client_request.url_for("expansion_proposals.proposals")  # a page with a form (its token)
        client_request.post(answer, {"answer": "Two waking."}, form_url=listed, expected_redirect=url)
        assert "There is no open request for information." in client_request.get_page(url).text


def test_another_providers_proposal_is_not_found(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    client_request.login(create_user(db_session, Role.PROVIDER))
    client_request.get("expansion_proposals.proposal", proposal_id=proposal.id, expected_status=404)
    client_request.get("expansion_triage.proposal_receipt", proposal_id=proposal.id, version=1, expected_status=404)


def test_the_letter_has_print_styles_from_a_css_file(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    row = outcome(db_session, who.bury, proposal, "supported_with_conditions", "No more than two places.")
    client_request.login(who.provider)
    response = client_request.get("expansion_triage.letter", proposal_id=proposal.id, outcome_id=row.id)
    text = response.get_data(as_text=True)
    assert "app/letter.css" in text and "style=" not in text and "<style" not in text
    assert "Supported with conditions" in response.page.h1 and "No more than two places." in response.page.text
    assert proposal.latest_version.document_sha256 in response.page.text
    receipt = client_request.get("expansion_triage.outcome_receipt", proposal_id=proposal.id, outcome_id=row.id)
    assert receipt.mimetype == "application/json"


def test_the_version_page_and_the_letter_offer_their_proofs_of_inclusion(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    row = outcome(db_session, who.bury, proposal, "supported")
    client_request.login(who.provider)
    pages = [
        (
            client_request.get("expansion_proposals.version", proposal_id=proposal.id, version=1),
            proposal.latest_version,
        ),
        (client_request.get("expansion_triage.letter", proposal_id=proposal.id, outcome_id=row.id), row),
    ]
    for page, record in pages:
        [link] = page.page.select(f'a[href="/ledger/entries/{record.ledger_seq}/inclusion-proof.json"]')
        assert link.get_text(strip=True) == "Download proof of inclusion"
        assert client_request.get(link["href"]).get_json()["seq"] == record.ledger_seq
