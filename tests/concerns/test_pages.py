"""Issue 13: the concerns pages as each party uses them."""

from datetime import datetime, time, timedelta, timezone

import pytest

from tests.conftest import csrf_token_in

from covenant_portal.concerns import service
from covenant_portal.filters import london_day
from covenant_portal.db import utcnow
from covenant_portal.web.working_days import clock
from covenant_portal.concerns.models import Concern, Stage
from covenant_portal.access import Role
from tests.concerns.helpers import LOGGED_AT, about_la, make_parties
from tests.factories import create_user, local_authority


@pytest.fixture
def parties(db_session):
    return make_parties(db_session)


def raise_form(la_id, **overrides):
    return {
        "about": f"local_authority:{la_id}",
        "category": "referral_information",
        "severity": "high",
        "event_on": ["27", "2", "2026"],
        "description": "The referral left out the education plan.",
        "done_so_far": "",
    } | overrides


def test_a_provider_raises_a_concern_about_an_la_and_sees_its_deadlines(client_request, db_session, parties):
    client_request.login(parties.provider)
    page = client_request.get("concerns.raise_concern")
    assert "not a notification to Ofsted under regulation 40" in page.text
    assert "not a safeguarding referral" in page.text
    token = csrf_token_in(page.get_data(as_text=True))
    response = client_request.client.post(
        "/concerns/new", data={"csrf_token": token, **raise_form(parties.la_contact.local_authority_id)}
    )
    concern = db_session.query(Concern).one()
    assert response.status_code == 302 and response.location == f"/concerns/{concern.id}"
    page = client_request.get("concerns.concern", concern_id=concern.id)
    assert "Acknowledgement: by" in page.text and "working days left" in page.text


def test_a_date_of_birth_in_the_description_is_refused_and_kept(client_request, db_session, parties):
    client_request.login(parties.provider)
    typed = "The young person, born 3 May 2012, was moved"
    page = client_request.post(
        "concerns.raise_concern",
        raise_form(parties.la_contact.local_authority_id, description=typed),
        expected_status=400,
    )
    assert "Remove the date of birth" in page.page.text and typed in page.get_data(as_text=True)
    assert db_session.query(Concern).count() == 0


def test_a_date_in_the_future_is_refused_next_to_the_field_and_everything_typed_kept(
    client_request, db_session, parties
):
    tomorrow = london_day(utcnow()) + timedelta(days=1)
    typed = raise_form(
        parties.la_contact.local_authority_id,
        event_on=[str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
        done_so_far="We phoned them.",
    )
    client_request.login(parties.provider)
    response = client_request.post("concerns.raise_concern", typed, expected_status=400)
    page = response.page
    assert page.error_for("event_on-date-input") == "The date it happened must be today or in the past"
    assert page.error_summary == ["The date it happened must be today or in the past"]
    assert page.value_of("description") == typed["description"] and page.value_of("done_so_far") == "We phoned them."
    assert page.value_of("about") == typed["about"] and page.value_of("severity") == "high"
    html = response.get_data(as_text=True)
    assert all(f'value="{part}"' in html for part in typed["event_on"])
    assert db_session.query(Concern).count() == 0


def test_a_future_date_and_a_date_of_birth_are_refused_at_once(client_request, db_session, parties):
    tomorrow = london_day(utcnow()) + timedelta(days=1)
    typed = raise_form(
        parties.la_contact.local_authority_id,
        event_on=[str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
        description="The young person, born 3 May 2012, was moved",
    )
    client_request.login(parties.provider)
    page = client_request.post("concerns.raise_concern", typed, expected_status=400).page
    assert "date of birth" in page.error_for("description")
    assert page.error_for("event_on-date-input") == "The date it happened must be today or in the past"


def test_a_party_not_involved_gets_404(client_request, db_session, parties):
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    client_request.login(parties.other_la_contact)
    client_request.get("concerns.concern", concern_id=concern.id, expected_status=404)
    client_request.post(
        "concerns.send_message",
        {"message": "Hi"},
        form_url="concerns.raise_concern",
        concern_id=concern.id,
        expected_status=404,
    )


def test_closing_early_fails_with_the_message(client_request, db_session, parties):
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    client_request.login(parties.officer)
    page = client_request.post(
        "concerns.close", {}, form_url="concerns.concern", concern_id=concern.id, expected_status=400
    ).page
    assert "You cannot close this concern until the learning is recorded. Still missing:" in page.text
    assert concern.stage is Stage.LOGGED


def test_a_message_is_shown_on_the_timeline(client_request, db_session, parties):
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    client_request.login(parties.la_contact)
    client_request.post(
        "concerns.send_message",
        {"message": "We will call you on Thursday."},
        form_url="concerns.concern",
        concern_id=concern.id,
        expected_redirect=f"/concerns/{concern.id}",
    )
    assert "We will call you on Thursday." in client_request.get("concerns.concern", concern_id=concern.id).text


def test_the_list_says_whose_concerns_it_shows(client_request, db_session, parties):
    ours = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    wigan = about_la(parties, about_id=parties.other_la_contact.local_authority_id)
    theirs = service.raise_concern(db_session, parties.other_provider, wigan, LOGGED_AT)
    client_request.login(parties.officer)
    page = client_request.get_page("concerns.concerns")
    assert page.h1 == "All concerns"
    assert "Every concern in the portal, whoever raised it" in page.text and "by you" not in page.text
    assert {f"Concern {ours.id}", f"Concern {theirs.id}"} <= set(page.links())
    organisation = parties.provider.organisation.name
    authority = parties.la_contact.local_authority.name
    for user, name in ((parties.provider, organisation), (parties.la_contact, authority)):
        client_request.login(user)
        page = client_request.get_page("concerns.concerns")
        assert page.h1 == "Concerns"
        assert f"Concerns raised by {name} and concerns about {name}" in page.text
        assert f"Concern {ours.id}" in page.links() and f"Concern {theirs.id}" not in page.links()
    client_request.login(parties.other_la_contact)
    assert f"Concern {theirs.id}" in client_request.get_page("concerns.concerns").links()
    client_request.login(create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Bury")))
    assert "No concern has been raised by or about Bury." in client_request.get_page("concerns.concerns").text


def test_the_concern_page_names_the_raisers_organisation(client_request, db_session, parties):
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    client_request.login(parties.la_contact)
    page = client_request.get_page("concerns.concern", concern_id=concern.id)
    row = page.main.find("dt", string=lambda text: text and "Raised by" in text).find_next_sibling("dd")
    assert row.get_text(" ", strip=True) == f"{parties.provider.full_name}, {parties.provider.organisation.name}"


def test_an_officer_is_offered_closing_only_once_the_learning_is_recorded_and_closing_twice_changes_nothing(
    client_request, db_session, parties
):
    from covenant_portal.concerns.models import ConcernClosure, LearningResponse
    from covenant_portal.concerns.service import LearningDetails

    now = utcnow()
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), now)
    client_request.login(parties.officer)
    page = client_request.get_page("concerns.concern", concern_id=concern.id)
    assert "You can close this concern once its learning is recorded. Still missing: the resolution" in page.text
    assert page.main.find("button", string=lambda text: text and "Close the concern" in text) is None
    service.acknowledge(db_session, concern, parties.la_contact, now)
    service.propose_resolution(db_session, concern, parties.la_contact, "Resend the plan.", now)
    service.resolve(db_session, concern, parties.provider, now)
    service.arrange_learning(
        db_session, concern, parties.officer, LearningResponse.HUDDLE, now.date(), "Call", "Both", now
    )
    service.record_held(db_session, concern, parties.officer, "Held.", now)
    service.record_learning(db_session, concern, parties.officer, LearningDetails("Attach the plan.", ""), now)
    page = client_request.get_page("concerns.concern", concern_id=concern.id)
    assert page.main.find("a", href="#close", string="Close the concern") is not None
    assert "The learning is recorded." in page.text
    # Two tabs of the concern's page, both opened before either closed it.
    token = csrf_token_in(client_request.client.get(f"/concerns/{concern.id}").get_data(as_text=True))
    first = client_request.client.post(f"/concerns/{concern.id}/close", data={"csrf_token": token})
    second = client_request.client.post(f"/concerns/{concern.id}/close", data={"csrf_token": token})
    assert (first.status_code, second.status_code) == (302, 302)
    page = client_request.get_page(second.location)
    assert "Nothing was changed: this concern is already closed." in page.text
    assert db_session.query(ConcernClosure).filter_by(concern_id=concern.id).count() == 1


def test_too_long_a_description_is_refused_by_its_name_not_its_question(client_request, db_session, parties):
    """Its label is a question: the message names it ("What happened must be ..."), not "What happened? must"."""
    client_request.login(parties.provider)
    response = client_request.post(
        "concerns.raise_concern",
        raise_form(parties.la_contact.local_authority_id, description="x" * 2001),
        expected_status=400,
    )
    error = response.page.main.find(id="description-error").text
    assert "What happened must be 2000 characters or fewer" in error and "?" not in error
    assert "x" * 2001 in response.get_data(as_text=True)


def test_a_deadline_due_today_is_said_mid_sentence_in_lower_case(client_request, db_session, parties):
    """'Acknowledgement: due today' on the list and '(due today)' on the concern's page and the
    dashboard panel, as '2 working days left' is; it said 'Due today' mid-sentence."""
    today = london_day(utcnow())
    start = next(
        today - timedelta(days=n)
        for n in range(1, 10)
        if clock(today - timedelta(days=n), 2, today).working_days_left == 0
    )
    logged = datetime.combine(start, time(11), tzinfo=timezone.utc)
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), logged)
    client_request.login(parties.la_contact)
    assert "Acknowledgement: due today" in client_request.get_page("concerns.concerns").text
    page = client_request.get_page("concerns.concern", concern_id=concern.id)
    assert "(due today)" in page.text and "Due today" not in page.text
