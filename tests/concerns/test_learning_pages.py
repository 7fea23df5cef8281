"""Issue 13, point 8, through the pages: an officer writes and publishes a summary of a closed
concern, the parties agree on their page to show their names, everyone signed in finds it in the
library; the library shows no organisation's name without both parties' agreement."""

import pytest

from tests.conftest import csrf_token_in

from covenant_portal.concerns.learning import service
from covenant_portal.concerns.learning.models import LearningSummary, SummaryKind, SummaryStatus
from tests.concerns.helpers import LOGGED_AT, make_parties
from tests.concerns.learning_helpers import SUMMARY, closed_concern, named_parties

FORM = {
    "kind": "learning",
    "title": "Education plans travel with the referral",
    "what_happened": "A referral reached a provider without the education plan.",
    "what_learned": "Check the referral is complete before the move.",
    "what_changed": "",
    "themes": ["referral_information", "education"],
}
NAMES = ("Acorn Lodge Care", "Oak Tree House", "Bolton")


@pytest.fixture
def parties(db_session):
    return named_parties(db_session, make_parties(db_session))


@pytest.fixture
def concern(db_session, parties):
    return closed_concern(db_session, parties)


def published(db_session, parties, concern) -> LearningSummary:
    summary = service.draft_from_concern(db_session, parties.officer, concern, SummaryKind.LEARNING, SUMMARY, LOGGED_AT)
    service.publish(db_session, parties.officer, summary, LOGGED_AT)
    return summary


def test_an_officer_writes_and_publishes_a_summary_and_a_provider_finds_it(
    client_request, db_session, parties, concern
):
    client_request.login(parties.officer)
    page = client_request.get_page("concerns.concern", concern_id=concern.id)
    assert "Write a learning summary for the library" in page.text
    response = client_request.post(
        "learning.from_concern", FORM, concern_id=concern.id, expected_redirect="learning.summary"
    )
    summary = db_session.get(LearningSummary, int(response.location.rsplit("/", 1)[1]))
    assert summary.status is SummaryStatus.DRAFT
    client_request.login(parties.other_provider)
    client_request.get("learning.summary", summary_id=summary.id, expected_status=404)
    client_request.login(parties.officer)
    page = client_request.get_page("learning.summary", summary_id=summary.id)
    assert "Once published, everyone signed in to the portal can read this summary" in page.text
    # Two tabs of the draft's page, the second pressed after the first published it.
    token = csrf_token_in(client_request.client.get(f"/learning/{summary.id}").get_data(as_text=True))
    for _tab in range(2):
        response = client_request.client.post(f"/learning/{summary.id}/publish", data={"csrf_token": token})
        assert (response.status_code, response.location) == (302, f"/learning/{summary.id}")
    db_session.refresh(summary)
    assert summary.status is SummaryStatus.PUBLISHED
    page = client_request.get_page("learning.summary", summary_id=summary.id)
    assert "Nothing was changed: this summary is already published." in page.text
    client_request.login(parties.other_provider)
    library = client_request.get_page("/learning?q=education+plan&category=referral_information&theme=education")
    assert FORM["title"] in library.text
    page = client_request.get_page("learning.summary", summary_id=summary.id)
    assert page.h1 == FORM["title"] and "a local authority" in page.text
    assert not any(name in page.text for name in NAMES)


def test_a_name_in_the_text_is_refused_with_why_and_what_was_typed_is_kept(client_request, parties, concern):
    client_request.login(parties.officer)
    typed = {**FORM, "what_happened": "Bolton sent the referral without the plan."}
    page = client_request.post("learning.from_concern", typed, concern_id=concern.id, expected_status=400).page
    assert page.title.startswith("Error: ")
    assert "Remove Bolton: the library shows no organisation’s, authority’s or home’s name" in page.text
    assert "Bolton sent the referral without the plan." in page.main.get_text()


def test_a_summary_is_written_only_from_a_closed_concern(client_request, db_session, parties):
    from covenant_portal.concerns import service as concerns
    from tests.concerns.helpers import LOGGED_AT, about_la

    open_concern = concerns.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    client_request.login(parties.officer)
    client_request.get("learning.from_concern", concern_id=open_concern.id, expected_status=404)


def test_the_library_shows_no_name_until_both_parties_agree_on_their_page(client_request, db_session, parties, concern):
    summary = published(db_session, parties, concern)
    client_request.login(parties.la_contact)
    page = client_request.get_page("learning.names", summary_id=summary.id)
    assert "You have not agreed" in page.text
    client_request.post(
        "learning.names", {"agree": "y"}, summary_id=summary.id, expected_redirect=f"/learning/{summary.id}/names"
    )
    assert "You have agreed" in client_request.get_page("learning.names", summary_id=summary.id).text
    client_request.login(parties.other_la_contact)
    shown = client_request.get_page("learning.summary", summary_id=summary.id).text
    assert not any(name in shown for name in NAMES)
    client_request.get("learning.names", summary_id=summary.id, expected_status=404)
    client_request.login(parties.provider)
    client_request.post(
        "learning.names", {"agree": "y"}, summary_id=summary.id, expected_redirect=f"/learning/{summary.id}/names"
    )
    client_request.login(parties.other_la_contact)
    shown = client_request.get_page("learning.summary", summary_id=summary.id).text
    assert "Bolton" in shown and "Acorn Lodge Care Ltd" in shown
    client_request.login(parties.provider)
    client_request.post(
        "learning.names", {"withdraw": "y"}, summary_id=summary.id, expected_redirect=f"/learning/{summary.id}/names"
    )
    client_request.login(parties.other_la_contact)
    shown = client_request.get_page("learning.summary", summary_id=summary.id).text
    assert not any(name in shown for name in NAMES)
    assert not any(name in client_request.get_page("/learning").text for name in NAMES)


def test_an_officer_writes_up_good_practice_tied_to_no_concern(client_request, db_session, parties):
    client_request.login(parties.officer)
    form = {key: value for key, value in FORM.items() if key != "kind"} | {"category": "quality_of_care"}
    response = client_request.post("learning.new_good_practice", form, expected_redirect="learning.summary")
    summary = db_session.get(LearningSummary, int(response.location.rsplit("/", 1)[1]))
    assert summary.concern is None and summary.kind.value == "good_practice"
    page = client_request.post("learning.new_good_practice", {**form, "themes": []}, expected_status=400).page
    assert "Select at least one theme" in page.text


def test_a_draft_is_changed_then_published(client_request, db_session, parties, concern):
    from tests.concerns.learning_helpers import LOGGED_AT
    from covenant_portal.concerns.learning.models import SummaryKind

    summary = service.draft_from_concern(db_session, parties.officer, concern, SummaryKind.LEARNING, SUMMARY, LOGGED_AT)
    client_request.login(parties.officer)
    page = client_request.get_page("learning.edit", summary_id=summary.id)
    assert SUMMARY.title in str(page.main)
    changed = {key: value for key, value in FORM.items() if key != "kind"} | {"title": "Plans first"}
    client_request.post("learning.edit", changed, summary_id=summary.id, expected_redirect=f"/learning/{summary.id}")
    db_session.refresh(summary)
    assert summary.title == "Plans first"
    service.publish(db_session, parties.officer, summary, LOGGED_AT)
    client_request.get("learning.edit", summary_id=summary.id, expected_status=404)


def test_officers_are_asked_to_write_up_closed_concerns(client_request, parties, concern):
    client_request.login(parties.officer)
    assert f"Write a learning summary of closed concern {concern.id}" in client_request.get_page("/dashboard").text


@pytest.mark.parametrize(
    ("endpoint", "first"),
    [
        ("learning.new_good_practice", "Select the category"),
        ("learning.from_concern", "Select what kind of summary it is"),
    ],
)
def test_the_error_summary_lists_the_errors_in_the_order_of_the_fields(
    client_request, concern, parties, endpoint, first
):
    client_request.login(parties.officer)
    page = client_request.post(endpoint, {}, concern_id=concern.id, expected_status=400).page
    assert page.error_summary == [
        first,
        "Enter a title",
        "Enter what happened",
        "Enter what was learned",
        "Select at least one theme",
    ]


def test_the_names_page_says_which_names_an_agreement_shows(client_request, db_session, parties, concern):
    summary = published(db_session, parties, concern)
    client_request.login(parties.la_contact)
    page = client_request.get_page("learning.names", summary_id=summary.id)
    said = page.main.find(id="names-agreed-to").text
    assert "about Bolton and raised by Acorn Lodge Care Ltd" in said
    assert "only if both parties agree" in page.text


def test_the_names_page_of_an_officer_raised_concern_asks_only_the_party_it_is_about(
    client_request, db_session, parties
):
    from covenant_portal.concerns import service as concerns
    from tests.concerns.helpers import about_la
    from tests.concerns.learning_helpers import close_decided_by_officer

    raised = concerns.raise_concern(db_session, parties.officer, about_la(parties), LOGGED_AT)
    close_decided_by_officer(db_session, raised, parties)
    summary = published(db_session, parties, raised)
    client_request.login(parties.la_contact)
    page = client_request.get_page("learning.names", summary_id=summary.id)
    assert "only you can agree" in page.text and "both parties" not in page.text
    assert "about Bolton and raised by an escalation officer" in page.main.find(id="names-agreed-to").text
    client_request.post(
        "learning.names", {"agree": "y"}, summary_id=summary.id, expected_redirect=f"/learning/{summary.id}/names"
    )
    state = client_request.get_page("learning.names", summary_id=summary.id).main.find(id="names-state").text
    assert state == "You have agreed: the names are shown."


def test_a_post_without_either_button_does_not_withdraw_an_agreement(client_request, db_session, parties, concern):
    summary = published(db_session, parties, concern)
    service.agree(db_session, parties.provider, summary, LOGGED_AT)
    client_request.login(parties.provider)
    client_request.post("learning.names", {}, summary_id=summary.id, expected_status=200)
    db_session.refresh(summary)
    assert summary.raiser_agreed_at is not None  # the provider raised the concern
    assert "You have agreed" in client_request.get_page("learning.names", summary_id=summary.id).text


def test_officers_are_asked_to_publish_drafts_and_the_library_says_who_and_when(
    client_request, db_session, parties, concern
):
    summary = service.draft_from_concern(db_session, parties.officer, concern, SummaryKind.LEARNING, SUMMARY, LOGGED_AT)
    client_request.login(parties.officer)
    assert f"Publish the draft learning summary “{summary.title}”" in client_request.get_page("/dashboard").text
    assert "Not yet published" in client_request.get_page("learning.library").select_one("#summaries").text
    service.publish(db_session, parties.officer, summary, LOGGED_AT)
    assert "Publish the draft learning summary" not in client_request.get_page("/dashboard").text
    client_request.login(parties.other_provider)
    library = client_request.get_page("learning.library")
    assert library.select_one("#summary-count").text == "1 summary"
    listed = " ".join(library.select_one("#summaries").text.split())
    assert "About a local authority" in listed
    assert f"Published {LOGGED_AT.strftime('%-d %B %Y')}" in listed


def test_a_search_refused_lists_nothing_and_keeps_what_was_typed(client_request, db_session, parties, concern):
    published(db_session, parties, concern)
    client_request.login(parties.other_provider)
    typed = "x" * 201
    page = client_request.get_page(f"/learning?q={typed}", expected_status=400)
    assert page.title.startswith("Error: ")
    assert "Search must be 200 characters or fewer" in page.select_one("#q-error").text
    assert page.select_one("#q")["value"] == typed
    assert page.select("#summaries") == [] and page.select("#no-summaries") == []
