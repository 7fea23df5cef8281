"""A draft summary changed, or published, from a page opened before someone else changed it (another
tab, another officer): refused (409, web/stale.py). Saving shows the edit page again with what was
typed beside the draft as it is now; publishing publishes only what the officer read."""

import pytest

from covenant_portal.concerns.learning import service
from covenant_portal.concerns.learning.models import SummaryKind, SummaryStatus
from tests.concerns.helpers import LOGGED_AT, make_parties
from tests.concerns.learning_helpers import SUMMARY, closed_concern, named_parties, text
from tests.conftest import check_page
from tests.page import Page

FORM = {
    "title": "Plans travel with the referral, from my tab",
    "what_happened": "A referral reached a provider without the education plan.",
    "what_learned": "Check the referral is complete before the move.",
    "what_changed": "",
    "themes": ["referral_information"],
}


@pytest.fixture
def draft(db_session):
    parties = named_parties(db_session, make_parties(db_session))
    concern = closed_concern(db_session, parties)
    summary = service.draft_from_concern(db_session, parties.officer, concern, SummaryKind.LEARNING, SUMMARY, LOGGED_AT)
    return parties, summary


def test_a_draft_changed_meanwhile_is_shown_again_with_what_was_typed(client_request, db_session, draft):
    parties, summary = draft
    client_request.login(parties.officer)
    mine = client_request.get_page("learning.edit", summary_id=summary.id)
    assert mine.value_of("seen") == service.version_seen(summary)
    service.edit(db_session, parties.officer, summary, text(title="Another officer's title"), LOGGED_AT)

    typed = FORM | {"csrf_token": mine.value_of("csrf_token"), "seen": mine.value_of("seen")}
    response = client_request.client.post(f"/learning/{summary.id}/edit", data=typed)

    assert response.status_code == 409
    page = Page(response.get_data(as_text=True))
    check_page(response.get_data(as_text=True))
    assert "This summary was changed by someone else while you had it open" in page.text
    assert "Another officer's title" in page.main.find(id="summary-now").text
    assert page.value_of("title") == FORM["title"]
    db_session.refresh(summary)
    assert summary.title == "Another officer's title"
    # Saved again from that page (it carries the version now), what was typed replaces it, knowingly.
    assert page.value_of("seen") == service.version_seen(summary)
    again = typed | {"csrf_token": page.value_of("csrf_token"), "seen": page.value_of("seen")}
    assert client_request.client.post(f"/learning/{summary.id}/edit", data=again).status_code == 302
    db_session.refresh(summary)
    assert summary.title == FORM["title"]


def test_a_draft_changed_after_its_page_was_opened_is_not_published(client_request, db_session, draft):
    parties, summary = draft
    client_request.login(parties.officer)
    read = client_request.get_page("learning.summary", summary_id=summary.id)
    service.edit(db_session, parties.officer, summary, text(title="Changed in another tab"), LOGGED_AT)

    sent = {"csrf_token": read.value_of("csrf_token"), "seen": read.value_of("seen")}
    response = client_request.client.post(f"/learning/{summary.id}/publish", data=sent)

    assert response.status_code == 409
    page = Page(response.get_data(as_text=True))
    assert page.h1 == "This summary was changed by someone else while you had it open"
    assert "Nothing was saved. It is not published: check it as it is now, then publish it." in page.text
    assert page.main.find("a", string="Open the summary as it is now")["href"] == f"/learning/{summary.id}"
    db_session.refresh(summary)
    assert summary.status is SummaryStatus.DRAFT
    # From the page as it is now, it is published.
    now = client_request.get_page("learning.summary", summary_id=summary.id)
    sent = {"csrf_token": now.value_of("csrf_token"), "seen": now.value_of("seen")}
    assert client_request.client.post(f"/learning/{summary.id}/publish", data=sent).status_code == 302
    db_session.refresh(summary)
    assert summary.status is SummaryStatus.PUBLISHED
