"""Issue 13, point 9: the next step asked of each party on their dashboard, their concerns in a
panel, and for officers the open concerns by stage with missed deadlines first."""

from datetime import timedelta

import pytest

from covenant_portal.concerns import service
from covenant_portal.db import utcnow
from tests.concerns.helpers import about_la, about_provider, make_parties
from tests.factories import local_authority


@pytest.fixture
def parties(db_session):
    return make_parties(db_session)


def test_the_party_a_concern_is_about_is_asked_to_acknowledge_it_by_its_due_date(client_request, db_session, parties):
    bury = local_authority(db_session, "Bury")
    parties.la_contact.local_authority = bury
    db_session.commit()
    raiser = parties.la_contact
    concern = service.raise_concern(db_session, raiser, about_provider(parties), utcnow())
    client_request.login(parties.provider)
    page = client_request.get_page("/dashboard")
    action = page.main.find("a", href=f"/concerns/{concern.id}/acknowledge")
    assert action is not None
    assert "Acknowledge the concern raised by Bury about communication: due " in action.text
    assert "working days left" in page.text or "working day left" in page.text
    client_request.login(raiser)  # the raiser is asked for nothing yet, but sees it in the panel
    page = client_request.get_page("/dashboard")
    assert page.main.find("a", href=f"/concerns/{concern.id}/acknowledge") is None
    assert page.main.find("a", href=f"/concerns/{concern.id}") is not None


def test_officers_see_missed_deadlines_first_and_are_asked_to_close(client_request, db_session, parties):
    long_ago = utcnow() - timedelta(days=30)
    late = service.raise_concern(db_session, parties.provider, about_la(parties), long_ago)
    fresh = service.raise_concern(db_session, parties.la_contact, about_provider(parties), utcnow())
    client_request.login(parties.officer)
    page = client_request.get_page("/dashboard")
    table = page.main.find("caption", string=lambda text: text and "Open concerns by stage" in text).parent
    links = [a["href"] for a in table.find_all("a")]
    assert links.index(f"/concerns/{late.id}") < links.index(f"/concerns/{fresh.id}")
    assert "Deadline missed" in table.text
    assert page.main.find("a", href=f"/concerns/{late.id}", string=lambda text: text and "Close" in text) is None


def test_an_officer_is_asked_to_close_a_concern_once_its_learning_is_recorded(client_request, db_session, parties):
    from covenant_portal.concerns.models import LearningResponse
    from covenant_portal.concerns.service import LearningDetails

    now = utcnow()
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), now)
    client_request.login(parties.officer)
    assert "Close the concern" not in client_request.get_page("/dashboard").text
    service.acknowledge(db_session, concern, parties.la_contact, now)
    service.propose_resolution(db_session, concern, parties.la_contact, "Resend the plan.", now)
    service.resolve(db_session, concern, parties.provider, now)
    service.arrange_learning(
        db_session, concern, parties.officer, LearningResponse.HUDDLE, now.date(), "Call", "Both", now
    )
    service.record_held(db_session, concern, parties.officer, "Held.", now)
    service.record_learning(db_session, concern, parties.officer, LearningDetails("Attach the plan.", ""), now)
    page = client_request.get_page("/dashboard")
    link = page.main.find("a", href=f"/concerns/{concern.id}", string=lambda text: text and "Close the concern" in text)
    about = parties.la_contact.local_authority.name
    assert link is not None
    assert f"raised by {parties.provider.organisation.name} about {about} (referral information)" in link.text


def test_the_raiser_is_asked_about_their_own_concern_in_words_naming_whom_it_is_about(
    client_request, db_session, parties
):
    now = utcnow()
    concern = service.raise_concern(db_session, parties.la_contact, about_provider(parties), now)
    service.acknowledge(db_session, concern, parties.provider, now)
    service.propose_resolution(db_session, concern, parties.provider, "We will tell you within a day.", now)
    client_request.login(parties.la_contact)
    action = client_request.get_page("/dashboard").main.find("a", href=f"/concerns/{concern.id}/resolve")
    assert action.text.startswith(
        f"Agree the resolution of your concern about {parties.provider.organisation.name} (communication): due "
    )


def test_a_missed_action_deadline_after_closing_is_named_in_the_panel_and_on_the_concern(
    client_request, db_session, parties
):
    from tests.concerns.helpers import LOGGED_AT, close_concern

    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    close_concern(db_session, concern, parties, LOGGED_AT)  # its action was due on 1 April 2026
    client_request.login(parties.la_contact)
    page = client_request.get_page("/dashboard")
    row = page.main.find("a", href=f"/concerns/{concern.id}").find_parent("tr")
    assert "Deadline missed: 1 April 2026 (" in row.text and "working days overdue)" in row.text
    assert "No deadline running" not in row.text
    page = client_request.get_page("concerns.concern", concern_id=concern.id)
    assert "No step has a deadline running" in page.text
    actions = page.main.find(id="actions").text
    assert "due 1 April 2026:\nnot done yet (" in actions and "working days overdue)" in actions


def test_both_parties_are_asked_on_their_dashboards_to_mark_an_open_learning_action_done(
    client_request, db_session, parties
):
    from tests.concerns.helpers import LOGGED_AT, close_concern

    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    close_concern(db_session, concern, parties, LOGGED_AT)
    action = concern.actions[0]
    href = f"/concerns/{concern.id}/actions/{action.id}/done"
    for party in (parties.provider, parties.la_contact):
        client_request.login(party)
        page = client_request.get_page("/dashboard")
        link = page.main.find("a", href=href)
        assert link is not None and "Checklist, due 1 April" in link.text
        assert "working days overdue" in link.find_parent().text
    client_request.login(parties.other_provider)
    assert client_request.get_page("/dashboard").main.find("a", href=href) is None
    client_request.login(parties.la_contact)
    client_request.post(
        "concerns.action_done",
        {"note": ""},
        concern_id=concern.id,
        action_id=action.id,
        expected_redirect=f"/concerns/{concern.id}",
    )
    assert client_request.get_page("/dashboard").main.find("a", href=href) is None
