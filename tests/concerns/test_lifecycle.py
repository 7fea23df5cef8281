"""Issue 13, points 1, 4 and 5: raising a concern, its lifecycle, its timeline and its timers."""

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from covenant_portal.audit.models import AuditEvent
from covenant_portal.concerns import service, timers
from covenant_portal.concerns.models import EventKind, LearningResponse, Severity, Stage, Timer
from covenant_portal.concerns.service import ActionDetails, ConcernError, LearningDetails
from tests.concerns.helpers import LOGGED_AT, about_la, about_provider, make_parties


def signing_key():
    return current_app.extensions["signing_key"]


@pytest.fixture
def parties(db_session):
    return make_parties(db_session)


def hour(n: int):
    return LOGGED_AT + timedelta(hours=n)


def test_an_la_contact_raises_a_concern_about_a_provider_and_it_is_logged_and_audited(db_session, parties):
    concern = service.raise_concern(db_session, parties.la_contact, about_provider(parties), LOGGED_AT)

    assert concern.stage is Stage.LOGGED
    assert concern.raised_for_local_authority_id == parties.la_contact.local_authority_id
    assert [event.kind for event in concern.events] == [EventKind.LOGGED]
    audited = db_session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(concern.id))).all()
    assert "concern.logged" in audited


def test_a_concern_cannot_have_happened_after_today_in_london():
    late_evening = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # already 1 July in London (BST)
    future = "The date it happened must be today or in the past"
    for day, problem in ((date(2026, 6, 29), None), (date(2026, 7, 1), None), (date(2026, 7, 2), future)):
        assert service.event_date_problem(day, late_evening) == problem


def test_a_concern_dated_in_the_future_is_not_raised(db_session, parties):
    tomorrow = LOGGED_AT.date() + timedelta(days=1)
    with pytest.raises(ConcernError) as refused:
        service.raise_concern(db_session, parties.la_contact, about_provider(parties, event_on=tomorrow), LOGGED_AT)
    assert (refused.value.field, refused.value.message) == ("event_on", service.event_date_problem(tomorrow, LOGGED_AT))
    assert service.raise_concern(
        db_session, parties.la_contact, about_provider(parties, event_on=LOGGED_AT.date()), LOGGED_AT
    )


def test_a_party_raises_only_about_the_other_side(db_session, parties):
    with pytest.raises(ConcernError, match="only about the other side"):
        service.raise_concern(db_session, parties.provider, about_provider(parties), LOGGED_AT)
    with pytest.raises(ConcernError, match="only about the other side"):
        service.raise_concern(db_session, parties.la_contact, about_la(parties), LOGGED_AT)


def test_child_identifying_text_is_refused_next_to_its_field(db_session, parties):
    with pytest.raises(ConcernError, match="NHS number") as refused:
        service.raise_concern(
            db_session, parties.officer, about_provider(parties, description="NHS 943 476 5919"), LOGGED_AT
        )
    assert refused.value.field == "description"


def walk_to_learning_held(db_session, parties):
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    service.acknowledge(db_session, concern, parties.la_contact, hour(1), "We are looking into it.")
    service.propose_resolution(db_session, concern, parties.la_contact, "We will resend the plan.", hour(2))
    service.resolve(db_session, concern, parties.provider, hour(3))
    service.arrange_learning(
        db_session, concern, parties.officer, LearningResponse.HUDDLE, date(2026, 3, 2), "Video call", "Both", hour(4)
    )
    service.record_held(db_session, concern, parties.officer, "Fifteen minutes, both sides.", hour(5))
    return concern


def test_the_whole_lifecycle_each_side_doing_its_part(db_session, parties):
    concern = walk_to_learning_held(db_session, parties)
    learning = LearningDetails(
        "Check the education plan is attached.",
        "The LA answered the same day.",
        [ActionDetails("Add a checklist", "Bolton placements team", date(2026, 4, 1))],
    )
    service.record_learning(db_session, concern, parties.la_contact, learning, hour(6))
    service.close(db_session, signing_key(), concern, parties.officer, hour(7))

    assert concern.stage is Stage.CLOSED
    assert [event.kind for event in concern.events] == [
        EventKind.LOGGED,
        EventKind.ACKNOWLEDGED,
        EventKind.RESOLUTION_PROPOSED,
        EventKind.RESOLVED,
        EventKind.LEARNING_ARRANGED,
        EventKind.LEARNING_HELD,
        EventKind.LEARNING_RECORDED,
        EventKind.CLOSED,
    ]
    assert [action.owner for action in concern.actions] == ["Bolton placements team"]


def test_it_cannot_be_closed_without_recorded_learning_and_says_what_is_missing(db_session, parties):
    concern = walk_to_learning_held(db_session, parties)
    with pytest.raises(ConcernError) as refused:
        service.close(db_session, signing_key(), concern, parties.officer, hour(6))
    assert refused.value.message == (
        "You cannot close this concern until the learning is recorded. Still missing: what was learned"
    )
    assert concern.stage is Stage.LEARNING_HELD


def test_only_the_party_it_is_about_acknowledges_and_only_an_officer_closes(db_session, parties):
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    for someone in (parties.provider, parties.other_la_contact, parties.officer):
        with pytest.raises(ConcernError, match="Only the party the concern is about"):
            service.acknowledge(db_session, concern, someone, hour(1))
    with pytest.raises(ConcernError, match="Only an escalation officer"):
        service.close(db_session, signing_key(), concern, parties.la_contact, hour(1))


def test_an_officer_decides_with_reasons(db_session, parties):
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    service.acknowledge(db_session, concern, parties.la_contact, hour(1))
    service.propose_resolution(db_session, concern, parties.la_contact, "Resend.", hour(2))
    with pytest.raises(ConcernError, match="Enter the reasons"):
        service.resolve(db_session, concern, parties.officer, hour(3))
    service.resolve(db_session, concern, parties.officer, hour(3), reasons="The plan was resent; that is enough.")
    assert concern.officer_decided and concern.stage is Stage.RESOLVED


def test_an_officer_reopens_with_a_reason_on_the_timeline(db_session, parties):
    concern = walk_to_learning_held(db_session, parties)
    with pytest.raises(ConcernError, match="Enter why"):
        service.reopen(db_session, concern, parties.officer, " ", hour(6))
    service.reopen(db_session, concern, parties.officer, "It happened again.", hour(6))
    assert concern.stage is Stage.ACKNOWLEDGED
    assert concern.events[-1].kind is EventKind.REOPENED and concern.events[-1].text == "It happened again."


def test_parties_not_involved_cannot_see_it(db_session, parties):
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    assert service.visible_concern(db_session, concern.id, parties.la_contact) is concern
    assert service.visible_concern(db_session, concern.id, parties.officer) is concern
    assert service.visible_concern(db_session, concern.id, parties.other_provider) is None
    assert service.visible_concern(db_session, concern.id, parties.other_la_contact) is None


def test_messages_between_the_parties_are_on_the_timeline(db_session, parties):
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    service.send_message(db_session, concern, parties.la_contact, "Can we talk on Thursday?", hour(1))
    with pytest.raises(ConcernError, match="not a party"):
        service.send_message(db_session, concern, parties.other_provider, "Hello", hour(1))
    assert concern.events[-1].text == "Can we talk on Thursday?"


# Timers (Monday 2 March 2026 logged)


def test_acknowledgement_within_2_working_days_and_resolution_by_severity(db_session, parties):
    high = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    medium = service.raise_concern(db_session, parties.officer, about_provider(parties, Severity.MEDIUM), LOGGED_AT)
    today = date(2026, 3, 2)

    acknowledgement = timers.timer_clock(high, Timer.ACKNOWLEDGEMENT, today)
    assert acknowledgement.due_on == date(2026, 3, 4) and acknowledgement.describe() == "2 working days left"
    assert timers.timer_clock(high, Timer.RESOLUTION, today).due_on == date(2026, 3, 9)
    assert timers.timer_clock(medium, Timer.RESOLUTION, today).due_on == date(2026, 3, 23)
    assert not timers.breached(high, today)
    assert timers.breached(high, date(2026, 3, 5))


def test_learning_arranged_within_10_working_days_of_resolution_over_easter(db_session, parties):
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    concern.resolved_at = LOGGED_AT.replace(month=4, day=1)  # Wednesday 1 April 2026; Easter 3-6 April
    clock = timers.timer_clock(concern, Timer.LEARNING, date(2026, 4, 1))
    assert clock.due_on == date(2026, 4, 17)


def test_an_officer_extends_a_deadline_with_a_reason(db_session, parties):
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    with pytest.raises(ConcernError, match="Only an escalation officer"):
        service.extend(db_session, concern, parties.la_contact, Timer.ACKNOWLEDGEMENT, 2, "Leave", hour(1))
    service.extend(db_session, concern, parties.officer, Timer.ACKNOWLEDGEMENT, 3, "The manager is on leave", hour(1))
    assert timers.timer_clock(concern, Timer.ACKNOWLEDGEMENT, date(2026, 3, 2)).due_on == date(2026, 3, 9)
    assert concern.events[-1].kind is EventKind.EXTENDED and "on leave" in concern.events[-1].text


def test_actions_run_to_their_own_due_dates(db_session, parties):
    concern = walk_to_learning_held(db_session, parties)
    learning = LearningDetails("Learned", "", [ActionDetails("Checklist", "Team", date(2026, 3, 20))])
    service.record_learning(db_session, concern, parties.officer, learning, hour(6))
    [(what, clock)] = timers.open_actions(concern, date(2026, 3, 18))
    assert what == "Checklist" and clock.describe() == "2 working days left"
    assert timers.breached(concern, date(2026, 3, 23))


def test_the_list_of_concerns_each_user_sees_is_exactly_those_the_per_concern_rule_lets_them_see(db_session, parties):
    # Concerns raised by each side and by an officer, about each side: concerns_for asks the
    # database (party_clause), may_see asks the concern; they must agree for everyone.
    raised = [
        service.raise_concern(db_session, parties.la_contact, about_provider(parties), LOGGED_AT),
        service.raise_concern(db_session, parties.provider, about_la(parties), hour(1)),
        service.raise_concern(db_session, parties.officer, about_provider(parties), hour(2)),
        service.raise_concern(db_session, parties.officer, about_la(parties), hour(3)),
        service.raise_concern(
            db_session,
            parties.other_la_contact,
            about_provider(parties, about_id=parties.other_provider.organisation_id),
            hour(4),
        ),
    ]
    for user in vars(parties).values():
        seen = service.concerns_for(db_session, user)
        assert seen == sorted(seen, key=lambda concern: concern.logged_at, reverse=True)
        assert {concern.id for concern in seen} == {
            concern.id for concern in raised if service.may_see(concern, user)
        }, user.role
    assert (
        len(service.concerns_for(db_session, parties.provider)) == 3
    )  # about it, raised by it, officer-raised about it
    assert len(service.concerns_for(db_session, parties.other_provider)) == 1


def test_a_learning_response_cannot_be_recorded_as_held_before_the_day_it_was_arranged_for(db_session, parties):
    arranged_on = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # Thursday 3 December, for Thursday 10 December
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    service.acknowledge(db_session, concern, parties.la_contact, hour(1))
    service.propose_resolution(db_session, concern, parties.la_contact, "Resend the plan.", hour(2))
    service.resolve(db_session, concern, parties.provider, hour(3))
    service.arrange_learning(
        db_session, concern, parties.officer, LearningResponse.HUDDLE, date(2026, 12, 10), "Call", "Both", arranged_on
    )
    arranged = [event for event in concern.events if event.kind is EventKind.LEARNING_ARRANGED]
    assert arranged[-1].text == "Huddle on 10 December 2026: Call"  # the timeline shows the date arranged
    for too_early in (arranged_on, datetime(2026, 12, 9, 23, 59, tzinfo=UTC)):  # still 9 December in London
        with pytest.raises(ConcernError) as refused:
            service.record_held(db_session, concern, parties.la_contact, "Held.", too_early)
        assert refused.value.field == "submit"
        assert refused.value.message.startswith(
            "You cannot record the huddle as held before 10 December 2026, the date it was arranged for."
        )
        assert concern.stage is Stage.LEARNING_ARRANGED and concern.held_at is None
    assert service.held_too_early_problem(concern, datetime(2026, 12, 10, 0, 0, tzinfo=UTC)) is None
    on_the_day = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    service.record_held(db_session, concern, parties.la_contact, "Held.", on_the_day)
    assert concern.stage is Stage.LEARNING_HELD and concern.held_at == on_the_day
