"""Issue 13, point 5: a learning action is marked done on its own page by either party or an
officer, with a note if they like; it goes on the timeline, and the daily chase stops chasing it."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import object_session

from covenant_portal.audit.models import AuditEvent
from covenant_portal.concerns import actions, service
from covenant_portal.concerns.models import EventKind, LearningResponse, Stage
from covenant_portal.concerns.service import ActionDetails, ConcernError, LearningDetails
from tests.concerns.helpers import LOGGED_AT, about_la, make_parties
from tests.conftest import check_page
from tests.page import Page
from tests.concerns.test_chasing import at_seven, run
from tests.returns.chase_world import received_on

DUE = date(2026, 3, 25)  # a Wednesday, before the clocks change (as chase_world.received_on expects GMT)


def learned(session, parties, what="Add the plan to the checklist"):
    """A concern with its learning recorded and one action due on DUE."""
    concern = service.raise_concern(session, parties.provider, about_la(parties), LOGGED_AT)
    service.acknowledge(session, concern, parties.la_contact, LOGGED_AT)
    service.propose_resolution(session, concern, parties.la_contact, "Resend.", LOGGED_AT)
    service.resolve(session, concern, parties.provider, LOGGED_AT)
    service.arrange_learning(
        session, concern, parties.officer, LearningResponse.HUDDLE, date(2026, 3, 2), "Call", "Both", LOGGED_AT
    )
    service.record_held(session, concern, parties.officer, "Held.", LOGGED_AT)
    learning = LearningDetails("Attach the plan.", "", [ActionDetails(what, "Referrals team", DUE)])
    service.record_learning(session, concern, parties.officer, learning, LOGGED_AT)
    return concern


@pytest.fixture
def parties(db_session):
    return make_parties(db_session)


def test_a_party_marks_an_action_done_with_a_note_on_the_timeline(client_request, db_session, parties):
    concern = learned(db_session, parties)
    action = concern.actions[0]
    client_request.login(parties.other_provider)
    client_request.get("concerns.action_done", concern_id=concern.id, action_id=action.id, expected_status=404)
    client_request.login(parties.la_contact)
    page = client_request.get_page("concerns.concern", concern_id=concern.id)
    assert "Mark it done" in page.text
    client_request.post(
        "concerns.action_done",
        {"note": "Checklist updated."},
        concern_id=concern.id,
        action_id=action.id,
        expected_redirect=f"/concerns/{concern.id}",
    )
    object_session(concern).refresh(concern)
    assert action.done_at is not None
    event = concern.events[-1]
    assert (
        event.kind is EventKind.ACTION_DONE
        and event.text == "Action done: Add the plan to the checklist. Checklist updated."
    )
    audited = db_session.scalars(select(AuditEvent.action).where(AuditEvent.action == "concern.action_done")).all()
    assert audited == ["concern.action_done"]
    client_request.get("concerns.action_done", concern_id=concern.id, action_id=action.id, expected_status=404)


def test_a_note_with_child_identifying_data_is_refused(client_request, db_session, parties):
    concern = learned(db_session, parties)
    client_request.login(parties.provider)
    page = client_request.post(
        "concerns.action_done",
        {"note": "Discussed 943 476 5919"},
        concern_id=concern.id,
        action_id=concern.actions[0].id,
        expected_status=400,
    ).page
    assert "NHS number" in page.text and concern.actions[0].done_at is None


def test_only_a_party_or_an_officer_marks_it_done(db_session, parties):
    concern = learned(db_session, parties)
    with pytest.raises(ConcernError, match="not a party"):
        actions.mark_done(db_session, concern, concern.actions[0], parties.other_la_contact, "", LOGGED_AT)
    actions.mark_done(db_session, concern, concern.actions[0], parties.officer, "", LOGGED_AT)
    with pytest.raises(ConcernError, match="already done"):
        actions.mark_done(db_session, concern, concern.actions[0], parties.provider, "", LOGGED_AT)


def test_an_action_done_is_no_longer_chased(app, db_session, parties, mail_app_config, smtp_server, flask_command):
    app.config.update(mail_app_config)
    done, still_open = learned(db_session, parties, "Done one"), learned(db_session, parties, "Open one")
    actions.mark_done(db_session, done, done.actions[0], parties.la_contact, "", at_seven(date(2026, 3, 23)))
    run(flask_command, DUE)
    subjects = {subject for _to, subject in received_on(db_session, smtp_server, DUE)}
    assert subjects == {f"Concern {still_open.id}: action “open one” is due"}


def test_an_action_still_open_after_closing_is_chased_by_its_own_date(
    app, db_session, parties, mail_app_config, smtp_server, flask_command
):
    # Actions are agreed in the learning, so most fall due once the concern is closed.
    app.config.update(mail_app_config)
    concern = learned(db_session, parties, "After closing")
    service.close(db_session, app.extensions["signing_key"], concern, parties.officer, LOGGED_AT)
    assert concern.stage is Stage.CLOSED
    run(flask_command, DUE)
    subjects = {subject for _to, subject in received_on(db_session, smtp_server, DUE)}
    assert subjects == {f"Concern {concern.id}: action “after closing” is due"}


def test_a_note_too_long_is_named_in_its_message_and_kept(client_request, db_session, parties):
    concern = learned(db_session, parties)
    client_request.login(parties.provider)
    page = client_request.post(
        "concerns.action_done",
        {"note": "n" * 1001},
        concern_id=concern.id,
        action_id=concern.actions[0].id,
        expected_status=400,
    ).page
    assert page.error_summary == ["Your note must be 1000 characters or fewer"]
    assert page.main.find("textarea", id="note").text.strip() == "n" * 1001


def test_an_action_marked_done_from_a_second_tab_says_who_did_it_and_keeps_the_note(
    client_request, db_session, parties
):
    """Sent from a page opened before the other party marked it done: the portal's stale-tab answer
    (409; it was a 404, 'Page not found'), naming who marked it done, with the note typed to copy."""
    concern = learned(db_session, parties)
    action = concern.actions[0]
    client_request.login(parties.provider)
    mine = client_request.get_page("concerns.action_done", concern_id=concern.id, action_id=action.id)
    actions.mark_done(db_session, concern, action, parties.la_contact, "Checklist updated.", LOGGED_AT)

    typed = {"csrf_token": mine.value_of("csrf_token"), "note": "We use it too."}
    response = client_request.client.post(f"/concerns/{concern.id}/actions/{action.id}/done", data=typed)

    assert response.status_code == 409
    page = Page(response.get_data(as_text=True))
    check_page(response.get_data(as_text=True))
    assert page.h1 == f"This learning action was changed by {parties.la_contact.full_name} while you had it open"
    assert "Nothing was saved. It was marked done on 2 March 2026." in page.text
    assert page.main.find("a", string="Open the learning action as it is now")["href"] == f"/concerns/{concern.id}"
    assert page.main.find(id="typed").text.strip() == "We use it too." and page.main.find("form") is None
    db_session.refresh(concern)
    assert [event.kind for event in concern.events].count(EventKind.ACTION_DONE) == 1
