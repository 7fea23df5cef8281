"""The first-response clock across bank holidays and pauses; the daily chase
(chase_expansion_responses): each email once, --as-of, idempotent; the broken duty and the LA
pledge figures it feeds."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from covenant_portal.web.duties import Party, broken_duties, la_pledge_figures
from covenant_portal.expansions.chasing.service import chase, stage_reached
from covenant_portal.expansions.models import ExpansionReminder
from covenant_portal.expansions.proposals import submission
from covenant_portal.expansions.reports import service as reports
from covenant_portal.expansions.triage import service as triage
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.audit.service import SYSTEM
from tests.expansions.helpers import links, outcome, people, submitted
from tests.factories import local_authority


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def who(db_session):
    return people(db_session)


@pytest.mark.parametrize(
    ("submitted_on", "due_on"),
    [
        # Friday 18 December 2026: Christmas Day (Fri 25), Boxing Day substitute (Mon 28) and
        # New Year's Day (Fri 1 January) do not count.
        (date(2026, 12, 18), date(2027, 1, 6)),
        # Thursday 25 March 2027: Good Friday (26 March) and Easter Monday (29 March) do not count.
        (date(2027, 3, 25), date(2027, 4, 12)),
        # Tuesday 6 October 2026: no bank holiday.
        (date(2026, 10, 6), date(2026, 10, 20)),
    ],
)
def test_the_first_response_is_due_ten_working_days_after_submission(db_session, who, submitted_on, due_on):
    proposal = submitted(db_session, who.provider, now=at(submitted_on))
    clock = triage.clock_of(db_session, proposal.latest_version, submitted_on)
    assert clock.due_on == due_on
    assert clock.describe() == "10 working days left"


def test_a_pause_over_christmas_moves_the_due_date_by_its_working_days_only(db_session, who):
    proposal = submitted(db_session, who.provider, now=at(date(2026, 12, 14)))  # Monday: due 30 December
    assert triage.clock_of(db_session, proposal.latest_version, date(2026, 12, 14)).due_on == date(2026, 12, 30)
    triage.request_information(db_session, links(), who.bury, proposal, "Staffing?", SYSTEM, at(date(2026, 12, 22)))
    on_hold = triage.clock_of(db_session, proposal.latest_version, date(2026, 12, 23))
    assert on_hold.paused and on_hold.working_days_left == 5  # Tue 15 .. Mon 21 counted: 5 used
    triage.answer_information(db_session, links(), who.provider, proposal, "Two by day.", SYSTEM, at(date(2027, 1, 4)))
    # Paused Tuesday 22 December to Monday 4 January: its working days (22, 23, 24, 29, 30, 31 December
    # and 4 January) do not count, so the 5 days left run from Tuesday 5 January.
    clock = triage.clock_of(db_session, proposal.latest_version, date(2027, 1, 5))
    assert not clock.paused and clock.due_on == date(2027, 1, 11)


@pytest.mark.parametrize(
    ("left", "stage"),
    [(3, None), (2, "due_in_2_days"), (1, "due_in_2_days"), (0, "due_today"), (-4, "due_today"), (-5, "escalated")],
)
def test_the_stage_reached(left, stage):
    assert stage_reached(left) == stage


def sent(session, to=None):
    query = select(OutboxMessage.recipient, OutboxMessage.subject).where(
        OutboxMessage.dedupe_key.like("expansion-reminder:%")
    )
    if to:
        query = query.where(OutboxMessage.recipient == to)
    return list(session.execute(query))


def test_the_chase_reminds_twice_then_escalates_each_email_once(db_session, who):
    proposal = submitted(db_session, who.provider)  # Tuesday 6 October 2026: due Tuesday 20 October
    bury = "bury.placements@council.example"
    chase(db_session, links(), at(date(2026, 10, 15)))  # 3 working days left
    assert sent(db_session) == []
    chase(db_session, links(), at(date(2026, 10, 16)))  # 2 left
    chase(db_session, links(), at(date(2026, 10, 16)))  # the same day again: nothing more
    assert [s for _to, s in sent(db_session, bury)] == [
        f"First response due in 2 working days: expansion proposal {proposal.title}"
    ]
    chase(db_session, links(), at(date(2026, 10, 20)))
    assert len(sent(db_session, bury)) == 2
    chase(db_session, links(), at(date(2026, 10, 26)))  # 4 working days overdue: nothing new
    assert len(sent(db_session)) == 2
    chase(db_session, links(), at(date(2026, 10, 27)))  # 5 overdue: the admins
    chase(db_session, links(), at(date(2026, 10, 28)))
    escalations = [to for to, s in sent(db_session) if s.startswith("Escalated")]
    assert who.admin.email in escalations and bury not in escalations
    assert len(escalations) == len(set(escalations))
    stages = db_session.scalars(select(ExpansionReminder.stage).where(ExpansionReminder.proposal_id == proposal.id))
    assert sorted(stages) == ["due_in_2_days", "due_today", "escalated"]


def test_a_missed_run_catches_up_with_one_email_not_a_burst(db_session, who):
    submitted(db_session, who.provider)
    chase(db_session, links(), at(date(2026, 10, 21)))  # first run after the due date
    assert [s.split(":")[0] for _to, s in sent(db_session)] == ["First response due"]


def test_an_answered_proposal_is_not_chased_and_a_waiting_provider_is(db_session, who):
    answered = submitted(db_session, who.provider)
    outcome(db_session, who.bury, answered)
    asked = submitted(db_session, who.provider)
    triage.request_information(db_session, links(), who.bury, asked, "Staffing?", SYSTEM, at(date(2026, 10, 7)))
    chase(db_session, links(), at(date(2026, 10, 13)))  # 4 working days waiting
    assert sent(db_session) == []
    chase(db_session, links(), at(date(2026, 10, 14)))
    chase(db_session, links(), at(date(2026, 10, 15)))
    assert [to for to, _s in sent(db_session)] == [who.provider.email]


def test_the_job_is_registered_and_runs_from_the_cli_as_of_a_day(app, db_session, who):
    submitted(db_session, who.provider)
    jobs = {job.name: job for job in app.extensions["jobs"]}
    assert "chase_expansion_responses" in jobs
    with app.app_context():
        result = app.test_cli_runner().invoke(
            args=["jobs", "run", "chase_expansion_responses", "--as-of", "2026-10-16"]
        )
    assert result.exit_code == 0, result.output
    assert db_session.scalar(select(func.count()).select_from(ExpansionReminder)) == 1  # 2 working days left


def test_a_first_response_five_working_days_late_is_a_broken_duty_met_when_given(app, db_session, who):
    proposal = submitted(db_session, who.provider)  # due Tuesday 20 October 2026
    key = f"expansion-first-response:{proposal.id}:1"
    assert key not in {d.case_key for d in broken_duties(db_session, at(date(2026, 10, 26)), app)}
    duty = next(d for d in broken_duties(db_session, at(date(2026, 10, 27)), app) if d.case_key == key)
    assert (duty.party, duty.party_id, duty.category) == (
        Party.LOCAL_AUTHORITY,
        local_authority(db_session, "Bury").id,
        "communication",
    )
    assert (
        duty.record_path == f"/la/expansions/{proposal.id}"
        and duty.met_on is None
        and duty.broken_on == date(2026, 10, 27)
    )
    outcome(db_session, who.bury, proposal, now=at(date(2026, 10, 29)))
    duty = next(d for d in broken_duties(db_session, at(date(2026, 11, 2)), app) if d.case_key == key)
    assert duty.met_on == date(2026, 10, 29)


def test_a_proposal_withdrawn_before_its_response_was_due_is_no_broken_duty_later(app, db_session, who):
    proposal = submitted(db_session, who.provider)  # due Tuesday 20 October 2026
    submission.withdraw(db_session, who.provider, proposal, SYSTEM, at(date(2026, 10, 8)))
    key = f"expansion-first-response:{proposal.id}:1"
    assert key not in {d.case_key for d in broken_duties(db_session, at(date(2026, 12, 1)), app)}
    # Withdrawn after the duty was broken: broken then, and met (ended) the day it was withdrawn.
    late = submitted(db_session, who.provider)
    submission.withdraw(db_session, who.provider, late, SYSTEM, at(date(2026, 10, 29)))
    duty = next(
        d
        for d in broken_duties(db_session, at(date(2026, 12, 1)), app)
        if d.case_key == f"expansion-first-response:{late.id}:1"
    )
    assert (duty.broken_on, duty.met_on) == (date(2026, 10, 27), date(2026, 10, 29))


def test_pledge_figures_give_the_median_and_90th_percentile_per_host_la_and_quarter(app, db_session, who):
    for days in (2, 4, 9):
        proposal = submitted(db_session, who.provider)  # Tuesday 6 October 2026 (Q3 2026 to 2027)
        outcome(db_session, who.bury, proposal, now=at(date(2026, 10, 6)) + timedelta(days=days))
    bury = local_authority(db_session, "Bury").id
    figures = {
        (f.local_authority_id, f.quarter, f.measure): f
        for f in la_pledge_figures(db_session, [(2026, 2), (2026, 3)], app)
    }
    median = figures[(bury, 3, reports.MEDIAN)]
    p90 = figures[(bury, 3, reports.P90)]
    # 2, 4 and 9 calendar days after a Tuesday (Thursday, Saturday, Thursday week): 2, 3 and 7 working days
    assert (median.value, p90.value, median.cases, median.target, median.higher_is_better) == (3.0, 7.0, 3, 10.0, False)
    assert figures[(bury, 2, reports.MEDIAN)].value is None


def test_the_report_counts_proposals_and_response_times(db_session, who):
    proposal = submitted(db_session, who.provider)
    outcome(db_session, who.bury, proposal, "not_supported", "No identified need.", now=at(date(2026, 10, 8)))
    submitted(db_session, who.provider)
    found = reports.report(db_session, date(2026, 10, 9))
    assert (
        "Q3 2026 to 2027",
        "Bury",
        "Emotional and behavioural difficulties",
        "New home",
        "Not supported",
        1,
    ) in found.counts
    assert (
        "Q3 2026 to 2027",
        "Bury",
        "Emotional and behavioural difficulties",
        "New home",
        "Awaiting a response",
        1,
    ) in found.counts
    assert found.times == [("Q3 2026 to 2027", "Bury", 1, 2, 2)]
