"""The expansions services: needs statements, drafts (nothing lost, no silent overwrite),
submitting as a signed record, triage on the clock, outcomes, messages, withdrawing and revising."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from covenant_portal.audit.models import AuditEvent
from covenant_portal.audit.service import SYSTEM
from covenant_portal.expansions.common import ExpansionError, Invalid, timeline
from covenant_portal.expansions.models import EventKind, Outcome, ProposalStatus
from covenant_portal.expansions.needs import service as needs
from covenant_portal.expansions.proposals import drafts, submission, wording
from covenant_portal.expansions.triage import service as triage
from covenant_portal.mail.models import OutboxMessage
from tests.expansions.helpers import (
    ANSWERS,
    NOW,
    draft,
    key,
    links,
    need_input,
    outcome,
    people,
    publish_need,
    submitted,
)
from tests.factories import local_authority


@pytest.fixture
def who(db_session):
    return people(db_session)


def mail_to(session, address):
    return [m.subject for m in session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address))]


# Needs statements


def test_an_la_contact_publishes_a_need_of_their_own_la_only(db_session, who):
    need = publish_need(db_session, who.bury)
    assert need.local_authority.name == "Bury" and need.places_wanted == 4
    other = publish_need(db_session, who.bury, name="Wigan")  # a contact publishes for their own LA
    assert other.local_authority.name == "Bury"
    admin_need = publish_need(db_session, who.admin, name="Wigan")
    assert admin_need.local_authority.name == "Wigan"
    with pytest.raises(ExpansionError):
        needs.change(db_session, who.wigan, need, need_input(db_session), SYSTEM, NOW)
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "expansion_need.published"))


def test_a_need_refuses_bad_figures_and_child_details(db_session, who):
    with pytest.raises(Invalid) as invalid:
        publish_need(db_session, who.bury, age_from="17", age_to="12", places_wanted="0", notes="born 3 May 2014")
    assert set(invalid.value.errors) == {"age_to", "places_wanted", "notes"}
    assert "date of birth" in invalid.value.errors["notes"]


def test_the_combined_view_filters_and_marks_passed_review_dates(db_session, who):
    publish_need(db_session, who.bury, now=NOW - timedelta(days=60), review_on=date(2026, 9, 1))
    publish_need(db_session, who.admin, name="Wigan", category="fostering")
    assert {n.local_authority.name for n in needs.combined(db_session)} >= {"Bury", "Wigan"}
    assert [n.local_authority.name for n in needs.combined(db_session, "E08000010")] == ["Wigan"]
    assert [n.category.value for n in needs.combined(db_session, category="fostering")] == ["fostering"]
    rows = needs.csv_rows(needs.combined(db_session, "E08000002"), date(2026, 10, 6))
    assert rows[0][-1] == "Review date passed"


def test_a_need_is_not_published_or_changed_with_a_review_date_already_passed(db_session, who):
    late_evening = NOW.replace(hour=23, minute=30) - timedelta(days=1)  # 6 October in London (BST)
    with pytest.raises(Invalid) as invalid:
        publish_need(db_session, who.bury, now=late_evening, review_on=date(2026, 10, 5))
    assert invalid.value.errors == {"review_on": "The review date must be today or in the future"}
    need = publish_need(db_session, who.bury, now=late_evening, review_on=date(2026, 10, 6))
    with pytest.raises(Invalid):
        needs.change(db_session, who.bury, need, need_input(db_session, review_on=date(2026, 10, 1)), SYSTEM, NOW)
    assert need.review_on == date(2026, 10, 6)


def test_a_withdrawn_need_is_no_longer_shown(db_session, who):
    need = publish_need(db_session, who.bury)
    needs.withdraw(db_session, who.bury, need, SYSTEM, NOW)
    assert need not in needs.combined(db_session)


# Drafts


def test_a_section_is_saved_and_kept_as_typed(db_session, who):
    proposal = draft(db_session, who.provider, {"service": ANSWERS["service"]})
    assert proposal.draft["service"]["postcode_district"] == "BL9"
    assert proposal.title == "Radcliffe House"
    assert drafts.section_status(proposal, "service") == "Completed"
    assert drafts.section_status(proposal, "location") == "Not started"
    assert [u.section for u in drafts.unfinished(db_session, proposal, NOW.date())][:1] == ["registration"]


@pytest.mark.parametrize("typed", ["BL9 0AA", "BL90AA", "Bury", "9BL", "M1 1AE"])
def test_the_location_is_a_postcode_district_only(db_session, who, typed):
    proposal = drafts.start_proposal(db_session, who.provider, SYSTEM, NOW)
    with pytest.raises(Invalid) as invalid:
        drafts.save_section(
            db_session,
            proposal,
            "service",
            {**ANSWERS["service"], "postcode_district": typed},
            drafts.seen(proposal, "service"),
            who.provider,
            SYSTEM,
            NOW,
        )
    assert "postcode district" in invalid.value.errors["postcode_district"]
    assert proposal.draft == {}


def test_child_details_are_refused_in_every_free_text_answer(db_session, who):
    proposal = drafts.start_proposal(db_session, who.provider, SYSTEM, NOW)
    with pytest.raises(Invalid) as invalid:
        drafts.save_section(
            db_session,
            proposal,
            "location",
            {**ANSWERS["location"], "risks": "A child, DOB 01/02/2012"},
            drafts.seen(proposal, "location"),
            who.provider,
            SYSTEM,
            NOW,
        )
    assert list(invalid.value.errors) == ["risks"]


def test_a_colleagues_save_of_the_same_section_is_never_silently_overwritten(db_session, who):
    proposal = draft(db_session, who.provider, {"service": ANSWERS["service"]})
    shown = drafts.seen(proposal, "service")
    colleague = who.provider  # the same organisation; who saved is named in the conflict
    drafts.save_section(
        db_session, proposal, "service", {**ANSWERS["service"], "places": "4"}, shown, colleague, SYSTEM, NOW
    )
    with pytest.raises(drafts.DraftConflict) as conflict:
        drafts.save_section(
            db_session, proposal, "service", {**ANSWERS["service"], "places": "5"}, shown, colleague, SYSTEM, NOW
        )
    assert proposal.draft["service"]["places"] == "4"
    # Saving again on purpose, from what the conflict page carries, replaces their answer.
    again = drafts.Seen(conflict.value.lock, conflict.value.fingerprint)
    drafts.save_section(
        db_session, proposal, "service", {**ANSWERS["service"], "places": "5"}, again, colleague, SYSTEM, NOW
    )
    assert proposal.draft["service"]["places"] == "5"


def test_a_colleagues_save_of_another_section_is_kept_alongside(db_session, who):
    proposal = draft(db_session, who.provider, {"service": ANSWERS["service"]})
    shown = drafts.seen(proposal, "location")
    drafts.save_section(
        db_session,
        proposal,
        "registration",
        ANSWERS["registration"],
        drafts.seen(proposal, "registration"),
        who.provider,
        SYSTEM,
        NOW,
    )
    drafts.save_section(db_session, proposal, "location", ANSWERS["location"], shown, who.provider, SYSTEM, NOW)
    assert proposal.draft["registration"] == ANSWERS["registration"]
    assert proposal.draft["location"] == ANSWERS["location"]


def test_the_need_answered_must_be_one_of_the_host_las(db_session, who):
    bury_need = publish_need(db_session, who.bury)
    wigan_need = publish_need(db_session, who.wigan)
    proposal = draft(db_session, who.provider, {"service": ANSWERS["service"]})
    with pytest.raises(Invalid):
        drafts.save_section(
            db_session,
            proposal,
            "need",
            {**ANSWERS["need"], "need_id": str(wigan_need.id)},
            drafts.seen(proposal, "need"),
            who.provider,
            SYSTEM,
            NOW,
        )
    drafts.save_section(
        db_session,
        proposal,
        "need",
        {**ANSWERS["need"], "need_id": str(bury_need.id)},
        drafts.seen(proposal, "need"),
        who.provider,
        SYSTEM,
        NOW,
    )
    assert proposal.draft["need"]["need_id"] == str(bury_need.id)


# Submitting


def test_submitting_signs_a_version_and_tells_every_gm_las_named_contacts(db_session, who):
    proposal = submitted(db_session, who.provider)
    version = proposal.latest_version
    assert proposal.status == ProposalStatus.AWAITING_TRIAGE and proposal.draft is None
    assert proposal.host_local_authority.name == "Bury"
    assert version.version == 1 and version.ledger_seq is not None
    assert version.document["hostLocalAuthority"] == {"onsCode": "E08000002", "name": "Bury"}
    assert any("to triage" in s for s in mail_to(db_session, "bury.placements@council.example"))
    assert any("For information" in s for s in mail_to(db_session, "wigan.placements@council.example"))
    assert any("receipt GMF-" in s for s in mail_to(db_session, who.provider.email))
    assert [e.kind for e in timeline(db_session, proposal.id)] == [EventKind.SUBMITTED]


def test_an_unfinished_or_changed_draft_is_not_submitted(db_session, who):
    proposal = draft(db_session, who.provider, {"service": ANSWERS["service"]})
    with pytest.raises(ExpansionError):
        submission.submit(db_session, links(), key, who.provider, proposal, proposal.draft_lock, SYSTEM, NOW)
    proposal = draft(db_session, who.provider)
    with pytest.raises(submission.Changed):
        submission.submit(db_session, links(), key, who.provider, proposal, proposal.draft_lock - 1, SYSTEM, NOW)
    assert proposal.versions == []


# Triage


def test_the_queue_is_ordered_by_due_date_and_shows_who_has_it(db_session, who):
    later = submitted(db_session, who.provider, now=NOW)
    sooner = submitted(db_session, who.provider, now=NOW - timedelta(days=3))
    queue = triage.queue(db_session, local_authority(db_session, "Bury").id, date(2026, 10, 7))
    assert [q.proposal.id for q in queue] == [sooner.id, later.id]
    assert queue[1].clock.due_on == date(2026, 10, 20)
    triage.take(db_session, who.bury, later, SYSTEM, NOW)
    assert later.taken_by == who.bury
    with pytest.raises(ExpansionError):
        triage.take(db_session, who.wigan, later, SYSTEM, NOW)


def test_taking_a_proposal_twice_changes_nothing_and_a_colleague_takes_it_over(db_session, who):
    proposal = submitted(db_session, who.provider)
    triage.take(db_session, who.bury, proposal, SYSTEM, NOW)
    with pytest.raises(ExpansionError, match="you have already taken this proposal"):
        triage.take(db_session, who.bury, proposal, SYSTEM, NOW)  # from a second tab
    triage.take(db_session, who.bury_colleague, proposal, SYSTEM, NOW)
    assert proposal.taken_by == who.bury_colleague
    taken = [event for event in timeline(db_session, proposal.id) if event.kind == EventKind.TAKEN]
    assert len(taken) == 2


def test_an_information_request_pauses_the_clock_until_answered(db_session, who):
    proposal = submitted(db_session, who.provider)  # Tuesday 6 October: due Tuesday 20 October
    triage.request_information(
        db_session, links(), who.bury, proposal, "How many staff?", SYSTEM, NOW + timedelta(days=1)
    )
    assert proposal.status == ProposalStatus.INFORMATION_REQUESTED
    paused = triage.clock_of(db_session, proposal.latest_version, date(2026, 10, 9))
    assert paused.paused and "(paused)" in paused.describe()
    assert any("More information" in s for s in mail_to(db_session, who.provider.email))
    with pytest.raises(ExpansionError):
        triage.answer_information(db_session, links(), who.wigan, proposal, "Six", SYSTEM, NOW)
    triage.answer_information(db_session, links(), who.provider, proposal, "Six.", SYSTEM, NOW + timedelta(days=6))
    # Paused Wednesday 7 to Monday 12 October (4 working days): due Monday 26 October.
    running = triage.clock_of(db_session, proposal.latest_version, date(2026, 10, 13))
    assert not running.paused and running.due_on == date(2026, 10, 26)
    assert proposal.status == ProposalStatus.AWAITING_TRIAGE
    assert any("answered" in s for s in mail_to(db_session, "bury.placements@council.example"))


def test_only_the_host_las_contacts_record_an_outcome(db_session, who):
    proposal = submitted(db_session, who.provider)
    with pytest.raises(ExpansionError):
        outcome(db_session, who.wigan, proposal)
    with pytest.raises(ExpansionError):
        outcome(db_session, who.provider, proposal)
    row = outcome(db_session, who.bury_colleague, proposal, "supported_with_conditions", "Two places only.")
    assert row.outcome == Outcome.SUPPORTED_WITH_CONDITIONS and row.ledger_seq
    assert proposal.status == ProposalStatus.DECIDED
    assert triage.first_response(db_session, proposal.latest_version.id) == row
    assert any("Supported with conditions" in s for s in mail_to(db_session, who.provider.email))


@pytest.mark.parametrize(
    ("value", "details", "meeting_on", "wrong"),
    [
        ("supported_with_conditions", "", None, "details"),
        ("not_supported", "", None, "details"),
        ("discuss_further", "", None, "meeting_on"),
        ("supported", "NHS number 943 476 5919", None, "details"),
        ("maybe", "", None, "outcome"),
    ],
)
def test_an_outcome_says_what_it_needs(db_session, who, value, details, meeting_on, wrong):
    proposal = submitted(db_session, who.provider)
    with pytest.raises(Invalid) as invalid:
        outcome(db_session, who.bury, proposal, value, details, meeting_on)
    assert wrong in invalid.value.errors


def test_discuss_further_keeps_the_proposal_open_with_a_meeting_date(db_session, who):
    proposal = submitted(db_session, who.provider)
    row = outcome(db_session, who.bury, proposal, "discuss_further", "", date(2026, 11, 2))
    assert row.meeting_on == date(2026, 11, 2) and proposal.status == ProposalStatus.DISCUSSING
    final = outcome(db_session, who.bury, proposal, "supported_urgent_need")
    assert final.outcome.decides and proposal.status == ProposalStatus.DECIDED


def test_comments_from_other_las_and_messages_reach_the_other_side(db_session, who):
    proposal = submitted(db_session, who.provider)
    triage.post_message(db_session, links(), who.wigan, proposal, "We have children who would need this.", SYSTEM, NOW)
    triage.post_message(db_session, links(), who.provider, proposal, "Happy to meet.", SYSTEM, NOW)
    kinds = [e.kind for e in timeline(db_session, proposal.id)]
    assert kinds == [EventKind.SUBMITTED, EventKind.COMMENT, EventKind.MESSAGE]
    assert any("Comment from Wigan" in s for s in mail_to(db_session, who.provider.email))
    assert any("Message from" in s for s in mail_to(db_session, "bury.placements@council.example"))
    with pytest.raises(Invalid):
        triage.post_message(db_session, links(), who.wigan, proposal, "UPN A123456789012", SYSTEM, NOW)


# Withdrawing and revising


def test_a_revision_is_a_new_signed_version_that_restarts_the_clock(db_session, who):
    proposal = submitted(db_session, who.provider)
    first = proposal.latest_version
    submission.start_revision(db_session, who.provider, proposal, SYSTEM, NOW + timedelta(days=7))
    assert proposal.draft["service"]["places"] == "3"
    drafts.save_section(
        db_session,
        proposal,
        "service",
        {**ANSWERS["service"], "places": "2"},
        drafts.seen(proposal, "service"),
        who.provider,
        SYSTEM,
        NOW + timedelta(days=7),
    )
    later = NOW + timedelta(days=7)
    submission.submit(db_session, links(), key, who.provider, proposal, proposal.draft_lock, SYSTEM, later)
    second = proposal.latest_version
    assert (first.version, second.version) == (1, 2) and second.supersedes == first
    assert wording.differences(first.document, second.document) == [("Number of places", "3", "2")]
    assert triage.clock_of(db_session, second, date(2026, 10, 13)).due_on == date(2026, 10, 27)


def test_withdrawing_closes_the_proposal(db_session, who):
    proposal = submitted(db_session, who.provider)
    submission.withdraw(db_session, who.provider, proposal, SYSTEM, NOW)
    assert proposal.status == ProposalStatus.WITHDRAWN
    with pytest.raises(ExpansionError):
        outcome(db_session, who.bury, proposal)
    with pytest.raises(ExpansionError):
        submission.withdraw(db_session, who.provider, proposal, SYSTEM, NOW)


def test_a_revision_leaves_an_unanswered_request_behind_and_its_clock_runs(db_session, who):
    proposal = submitted(db_session, who.provider)
    triage.request_information(db_session, links(), who.bury, proposal, "Staffing?", SYSTEM, NOW)
    submission.start_revision(db_session, who.provider, proposal, SYSTEM, NOW + timedelta(days=1))
    submission.submit(
        db_session, links(), key, who.provider, proposal, proposal.draft_lock, SYSTEM, NOW + timedelta(days=1)
    )
    assert triage.open_request(db_session, proposal) is None
    assert not triage.clock_of(db_session, proposal.latest_version, date(2026, 10, 8)).paused
    triage.request_information(
        db_session, links(), who.bury, proposal, "And at weekends?", SYSTEM, NOW + timedelta(days=2)
    )
    assert triage.open_request(db_session, proposal).question == "And at weekends?"
