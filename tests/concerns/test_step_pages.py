"""Issue 13, point 4: each step of a concern's lifecycle on its own page, offered only to whoever
may take it, with errors next to the fields and what was typed kept."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import object_session

from covenant_portal.concerns import service, steps
from covenant_portal.filters import london_day
from covenant_portal.db import utcnow
from covenant_portal.concerns.models import Concern, EventKind, LearningResponse, Stage
from tests.concerns.helpers import LOGGED_AT, about_la, make_parties
from tests.conftest import check_page
from tests.page import Page


@pytest.fixture
def parties(db_session):
    return make_parties(db_session)


@pytest.fixture
def concern(db_session, parties) -> Concern:
    return service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)


def take(client_request, user, step, concern, data):
    client_request.login(user)
    client_request.post(f"concerns.{step}", data, concern_id=concern.id, expected_redirect=f"/concerns/{concern.id}")
    object_session(concern).refresh(concern)


def test_each_party_takes_its_steps_through_the_pages(client_request, db_session, parties, concern):
    client_request.login(parties.la_contact)
    page = client_request.get("concerns.concern", concern_id=concern.id)
    assert "Acknowledge the concern" in page.text and "Propose a resolution" not in page.text
    take(client_request, parties.la_contact, "acknowledge", concern, {"note": "Seen."})
    take(client_request, parties.la_contact, "propose", concern, {"resolution": "Resend the plan."})
    take(client_request, parties.provider, "resolve", concern, {})
    assert concern.stage is Stage.RESOLVED and not concern.officer_decided
    take(
        client_request,
        parties.officer,
        "arrange",
        concern,
        {"response": "huddle", "on": ["9", "3", "2026"], "meeting_format": "Video call", "attendees": "Both teams"},
    )
    assert concern.learning_response is LearningResponse.HUDDLE
    take(client_request, parties.provider, "held", concern, {"notes": "Short and useful."})
    take(
        client_request,
        parties.la_contact,
        "learning",
        concern,
        {
            "learned": "Attach the plan to every referral.",
            "went_well": "A quick reply.",
            "action_1": "Add the plan to the checklist",
            "owner_1": "Referrals team",
            "due_1": ["1", "4", "2026"],
        },
    )
    assert concern.stage is Stage.LEARNING_RECORDED
    assert [(a.what, a.owner) for a in concern.actions] == [("Add the plan to the checklist", "Referrals team")]
    page = client_request.get("concerns.concern", concern_id=concern.id)
    assert "Record the learning" in page.text and "Acknowledge the concern" not in page.text


def test_a_step_not_open_to_the_user_is_not_found(client_request, parties, concern):
    client_request.login(parties.provider)  # the raiser cannot acknowledge its own concern
    client_request.get("concerns.acknowledge", concern_id=concern.id, expected_status=404)
    client_request.login(parties.la_contact)
    client_request.get("concerns.propose", concern_id=concern.id, expected_status=404)
    client_request.login(parties.other_la_contact)
    client_request.get("concerns.acknowledge", concern_id=concern.id, expected_status=404)


def test_a_step_sent_again_from_a_second_tab_changes_nothing_and_says_so(client_request, db_session, parties, concern):
    take(client_request, parties.la_contact, "acknowledge", concern, {"note": "Seen."})
    # The second tab's form was opened before the first tab acknowledged the concern. The step's page
    # again (web/stale.py, 409) says so: this was a redirect to the concern's page saying "Nothing was
    # changed: this concern is now acknowledged, and that step is not open to you". It says who took
    # the step (it said "someone else"), and shows what was typed, to copy (it was lost), with no form.
    response = client_request.post(
        "concerns.acknowledge",
        {"note": "Seen again."},
        form_url="concerns.concern",
        concern_id=concern.id,
        expected_status=409,
    )
    page = response.page
    assert page.h1 == "This concern was changed by you (in another tab) while you had it open"
    assert "Nothing was saved. It is now acknowledged, and that step is not open to you." in page.text
    assert page.main.find("a", string="Open the concern as it is now")["href"] == f"/concerns/{concern.id}"
    assert [event.kind for event in concern.events].count(EventKind.ACKNOWLEDGED) == 1
    assert "Seen again." in page.main.find(id="typed").text and page.main.find("form") is None
    client_request.login(parties.other_la_contact)  # not a party: the concern is not found at all
    client_request.post(
        "concerns.acknowledge", {}, form_url="concerns.raise_concern", concern_id=concern.id, expected_status=404
    )


def test_the_raiser_is_told_what_agreeing_means_and_what_to_do_if_they_do_not_agree(
    client_request, db_session, parties, concern
):
    service.acknowledge(db_session, concern, parties.la_contact, LOGGED_AT)
    service.propose_resolution(db_session, concern, parties.la_contact, "Resend the plan.", LOGGED_AT)
    client_request.login(parties.provider)
    page = client_request.get_page("concerns.resolve", concern_id=concern.id)
    assert "If you do not agree, say why in a message on the concern’s page" in page.text
    assert "could identify a child" not in page.text  # nothing to type here
    client_request.login(parties.officer)
    page = client_request.get_page("concerns.resolve", concern_id=concern.id)
    assert "If you do not agree" not in page.text and "could identify a child" in page.text


def test_a_step_from_a_page_opened_before_the_other_party_took_one_changes_nothing(
    client_request, another_browser, db_session, parties, concern
):
    """A step still open, but the concern moved on since its page was opened: proposing a resolution
    from a page opened before a colleague (or an officer) proposed another does not replace theirs."""
    service.acknowledge(db_session, concern, parties.la_contact, LOGGED_AT)
    client_request.login(parties.la_contact)
    mine = client_request.get_page("concerns.propose", concern_id=concern.id)
    assert mine.value_of("seen") == steps.step_version(concern)
    another_browser.login(parties.officer)
    another_browser.post(
        "concerns.propose",
        {"resolution": "Resend the plan."},
        concern_id=concern.id,
        expected_redirect=f"/concerns/{concern.id}",
    )

    typed = {"csrf_token": mine.value_of("csrf_token"), "seen": mine.value_of("seen"), "resolution": "Call us."}
    response = client_request.client.post(f"/concerns/{concern.id}/propose", data=typed)

    assert response.status_code == 409
    page = Page(response.get_data(as_text=True))
    check_page(response.get_data(as_text=True))
    # It names who took the step (it said "someone else"), shows the concern as it is now and keeps
    # what was typed in the form (it was lost), carrying the version now: sent again, it is taken.
    assert page.h1 == f"This concern was changed by {parties.officer.full_name} while you had it open"
    assert "Nothing was saved. It is now resolution proposed." in page.text
    assert "Resend the plan." in page.main.find(id="concern-now").text
    assert page.main.find("textarea", attrs={"name": "resolution"}).text.strip() == "Call us."
    db_session.refresh(concern)
    assert concern.resolution == "Resend the plan."
    assert page.value_of("seen") == steps.step_version(concern)
    typed |= {"csrf_token": page.value_of("csrf_token"), "seen": page.value_of("seen")}
    assert client_request.client.post(f"/concerns/{concern.id}/propose", data=typed).status_code == 302
    db_session.refresh(concern)
    assert concern.resolution == "Call us."


def test_an_officer_deciding_must_give_reasons_and_what_was_typed_is_kept(client_request, db_session, parties, concern):
    service.acknowledge(db_session, concern, parties.la_contact, LOGGED_AT)
    service.propose_resolution(db_session, concern, parties.la_contact, "Resend the plan.", LOGGED_AT)
    client_request.login(parties.officer)
    page = client_request.post("concerns.resolve", {"reasons": ""}, concern_id=concern.id, expected_status=400).page
    assert page.title.startswith("Error: ") if hasattr(page, "title") else "Error: " in page.text
    assert "Enter the reasons for your decision" in page.text
    assert concern.stage is Stage.RESOLUTION_PROPOSED
    take(client_request, parties.officer, "resolve", concern, {"reasons": "The plan was resent."})
    assert concern.officer_decided and concern.resolution_reasons == "The plan was resent."


def test_errors_sit_next_to_their_fields_and_keep_what_was_typed(client_request, db_session, parties, concern):
    service.acknowledge(db_session, concern, parties.la_contact, LOGGED_AT)
    service.propose_resolution(db_session, concern, parties.la_contact, "Resend.", LOGGED_AT)
    service.resolve(db_session, concern, parties.provider, LOGGED_AT)
    client_request.login(parties.provider)
    response = client_request.post(
        "concerns.arrange",
        {"response": "", "on": ["31", "2", "2026"], "meeting_format": "Video call", "attendees": ""},
        concern_id=concern.id,
        expected_status=400,
    )
    html = response.get_data(as_text=True)
    for field in ("response", "on-date-input", "attendees"):
        assert f'id="{field}-error"' in html
    assert "Enter a real date for “When will it be held?”" in html
    assert 'value="Video call"' in html and 'value="31"' in html
    assert concern.stage is Stage.RESOLVED


def test_an_action_without_an_owner_is_refused(client_request, db_session, parties, concern):
    for step in (
        lambda: service.acknowledge(db_session, concern, parties.la_contact, LOGGED_AT),
        lambda: service.propose_resolution(db_session, concern, parties.la_contact, "Resend.", LOGGED_AT),
        lambda: service.resolve(db_session, concern, parties.provider, LOGGED_AT),
        lambda: service.arrange_learning(
            db_session, concern, parties.officer, LearningResponse.HUDDLE, LOGGED_AT.date(), "Call", "Both", LOGGED_AT
        ),
        lambda: service.record_held(db_session, concern, parties.officer, "Held.", LOGGED_AT),
    ):
        step()
    client_request.login(parties.officer)
    page = client_request.post(
        "concerns.learning",
        {"learned": "Attach the plan.", "action_1": "Checklist", "owner_1": "", "due_1": ["", "", ""]},
        concern_id=concern.id,
        expected_status=400,
    ).page
    assert "Enter who owns action 1" in page.text and "Enter when action 1 is due" in page.text
    assert concern.stage is Stage.LEARNING_HELD


def test_an_officer_reopens_and_extends_with_reasons(client_request, db_session, parties, concern):
    client_request.login(parties.officer)
    client_request.get("concerns.reopen", concern_id=concern.id, expected_status=404)  # nothing to reopen yet
    page = client_request.post(
        "concerns.extend",
        {"timer": "acknowledgement", "days": "0", "reason": ""},
        concern_id=concern.id,
        expected_status=400,
    ).page
    assert "between 1 and 60" in page.text and "Enter why you are extending the deadline" in page.text
    take(
        client_request,
        parties.officer,
        "extend",
        concern,
        {"timer": "acknowledgement", "days": "3", "reason": "Leave."},
    )
    assert concern.acknowledgement_extra_days == 3
    service.acknowledge(db_session, concern, parties.la_contact, LOGGED_AT)
    service.propose_resolution(db_session, concern, parties.la_contact, "Resend.", LOGGED_AT)
    service.resolve(db_session, concern, parties.provider, LOGGED_AT)
    take(client_request, parties.officer, "reopen", concern, {"reason": "The plan was not resent."})
    assert concern.stage is Stage.ACKNOWLEDGED
    assert concern.events[-1].kind is EventKind.REOPENED


def test_holding_before_the_day_arranged_is_refused_by_the_button_and_the_timeline_shows_the_day(
    client_request, db_session, parties, concern
):
    service.acknowledge(db_session, concern, parties.la_contact, LOGGED_AT)
    service.propose_resolution(db_session, concern, parties.la_contact, "Resend.", LOGGED_AT)
    service.resolve(db_session, concern, parties.provider, LOGGED_AT)
    week_on = london_day(utcnow()) + timedelta(days=7)
    typed = [str(week_on.day), str(week_on.month), str(week_on.year)]
    arrange = {"response": "huddle", "on": typed, "meeting_format": "Video call", "attendees": "Both teams"}
    take(client_request, parties.officer, "arrange", concern, arrange)
    day = f"{week_on:%-d %B %Y}"
    timeline = client_request.get_page("concerns.concern", concern_id=concern.id).text
    assert f"Huddle on {day}: Video call" in timeline
    client_request.login(parties.provider)
    assert "Record the learning response held" not in client_request.get_page("/dashboard").text
    assert f"It was arranged for {day}" in client_request.get_page("concerns.held", concern_id=concern.id).text
    response = client_request.post("concerns.held", {"notes": "Short."}, concern_id=concern.id, expected_status=400)
    page = response.page
    message = f"You cannot record the huddle as held before {day}, the date it was arranged for."
    assert page.title.startswith("Error: ")
    assert [entry[: len(message)] for entry in page.error_summary] == [message]
    assert page.select_one(".govuk-error-summary__list a")["href"] == "#submit"
    assert page.select_one("#submit-error").get_text().replace("Error:", "").strip().startswith(message)
    assert "Short." in response.get_data(as_text=True)  # what was typed is kept
    assert concern.stage is Stage.LEARNING_ARRANGED


@pytest.mark.parametrize(
    ("step", "field", "named"),
    [
        ("propose", "resolution", "The resolution you propose"),
        ("learning", "learned", "What was learned"),
        ("reopen", "reason", "Why you are reopening it"),
        ("extend", "reason", "Why you are extending it"),
    ],
)
def test_too_long_a_text_is_refused_by_its_name_not_its_question(
    client_request, db_session, parties, concern, step, field, named
):
    """Each of these labels is a question: the message names the text ("What was learned must be ..."),
    not "What was learned? must be ...", and what was typed is kept."""
    service.acknowledge(db_session, concern, parties.la_contact, LOGGED_AT)
    if step in ("learning", "reopen"):
        service.propose_resolution(db_session, concern, parties.la_contact, "Resend the plan.", LOGGED_AT)
        service.resolve(db_session, concern, parties.provider, LOGGED_AT)
        service.arrange_learning(
            db_session, concern, parties.officer, LearningResponse.HUDDLE, LOGGED_AT.date(), "Call", "Both", LOGGED_AT
        )
        service.record_held(db_session, concern, parties.officer, "Talked.", LOGGED_AT)
    client_request.login(parties.officer)
    response = client_request.post(f"concerns.{step}", {field: "y" * 2001}, concern_id=concern.id, expected_status=400)
    error = response.page.main.find(id=f"{field}-error").text
    assert f"{named} must be 2000 characters or fewer" in error and "?" not in error
    assert response.page.value_of(field).strip() == "y" * 2001


def test_a_learning_response_cannot_be_arranged_for_before_what_the_concern_is_about_happened(
    client_request, db_session, parties, concern
):
    """A past date is allowed (it may have been held already), but not one before it all began."""
    service.acknowledge(db_session, concern, parties.la_contact, LOGGED_AT)
    service.propose_resolution(db_session, concern, parties.la_contact, "Resend.", LOGGED_AT)
    service.resolve(db_session, concern, parties.provider, LOGGED_AT)
    before = concern.event_on - timedelta(days=1)
    typed = {"response": "huddle", "on": [str(before.day), str(before.month), str(before.year)]}
    typed |= {"meeting_format": "Video call", "attendees": "Both teams"}
    client_request.login(parties.officer)
    response = client_request.post("concerns.arrange", typed, concern_id=concern.id, expected_status=400)
    message = f"The date it will be held must be on or after {concern.event_on:%-d %B %Y}, when what the concern"
    assert [entry[: len(message)] for entry in response.page.error_summary] == [message]
    assert response.page.select_one(".govuk-error-summary__list a")["href"] == "#on"
    assert message in response.page.select_one(".govuk-date-input").find_parent(class_="govuk-form-group").get_text()
    assert "Both teams" in response.get_data(as_text=True)  # what was typed is kept
    db_session.refresh(concern)
    assert concern.stage is Stage.RESOLVED
    on_the_day = {"on": [str(concern.event_on.day), str(concern.event_on.month), str(concern.event_on.year)]}
    take(client_request, parties.officer, "arrange", concern, typed | on_the_day)
    assert concern.stage is Stage.LEARNING_ARRANGED
