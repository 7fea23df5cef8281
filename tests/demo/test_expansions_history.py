"""The demo's expansions chasing: the daily chase_expansion_responses job (the real one, through the
job runner) was run at 07:15 on each day it had something to send and this morning, so Trafford's
unanswered revised proposal was reminded and escalated, Brightwater was reminded of Bolton's
unanswered question, each once, and the job runs page shows each run, dated then."""

from datetime import date, datetime, time, timezone

import pytest
import sqlalchemy as sa

from covenant_portal.expansions.chasing.service import due_on
from covenant_portal.expansions.jobs import chase_expansion_responses
from covenant_portal.expansions.models import ExpansionProposal, ExpansionReminder, ProposalOutcome
from covenant_portal.filters import london_day
from covenant_portal.jobs.models import JobRun, JobRunStatus
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.returns.calendar.periods import LONDON
from tests.seeded_demo import LONG_PAST_DUE

pytestmark = pytest.mark.seeded_demo

TODAY = date(2026, 12, 1)


def utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def at_quarter_past_seven(day: date) -> datetime:
    return datetime.combine(day, time(7, 15), LONDON).astimezone(timezone.utc)


def proposal(db_session, title: str) -> ExpansionProposal:
    return db_session.scalar(sa.select(ExpansionProposal).where(ExpansionProposal.title == title))


def test_the_chase_ran_at_its_time_on_each_day_it_had_something_to_send_and_this_morning(db_session):
    runs = db_session.scalars(
        sa.select(JobRun).where(JobRun.job_name == "chase_expansion_responses").order_by(JobRun.started_at)
    ).all()
    assert len(runs) >= 3 and {run.status for run in runs} == {JobRunStatus.SUCCEEDED}
    days = [london_day(utc(run.started_at)) for run in runs]
    assert days[-1] == TODAY and len(set(days)) == len(days)  # once a day, as the scheduler runs it
    assert all(utc(run.started_at) == at_quarter_past_seven(day) for run, day in zip(runs, days, strict=True))
    sent_on = {london_day(utc(reminder.sent_at)) for reminder in db_session.scalars(sa.select(ExpansionReminder))}
    assert sent_on <= set(days) and set(days) - sent_on <= {TODAY}  # no quiet run but this morning's


def test_the_revised_trafford_proposal_was_reminded_then_escalated_and_brightwater_reminded_once(db_session):
    trafford = proposal(db_session, "Sale Moor House")
    stages = dict(
        db_session.execute(
            sa.select(ExpansionReminder.stage, ExpansionReminder.sent_at).where(
                ExpansionReminder.version_id == trafford.latest_version.id
            )
        ).all()
    )
    assert set(stages) == {"due_in_2_days", "due_today", "escalated"}
    assert stages["due_in_2_days"] < stages["due_today"] < stages["escalated"]
    farnworth = proposal(db_session, "Farnworth Short Breaks")
    asked = db_session.scalars(
        sa.select(ExpansionReminder.stage).where(ExpansionReminder.proposal_id == farnworth.id)
    ).all()
    assert len(asked) == 1 and asked[0].startswith("information:")
    # Anything else chased was chased before its host LA responded (Bury's of four days ago is not due).
    for reminder in db_session.scalars(
        sa.select(ExpansionReminder).where(ExpansionReminder.proposal_id.not_in([trafford.id, farnworth.id]))
    ):
        responses = db_session.scalars(
            sa.select(ProposalOutcome.decided_at).where(ProposalOutcome.version_id == reminder.version_id)
        ).all()
        assert responses and all(utc(reminder.sent_at) < utc(decided) for decided in responses)
    assert not db_session.scalar(
        sa.select(ExpansionReminder.id).where(
            ExpansionReminder.proposal_id == proposal(db_session, "Radcliffe House").id
        )
    )
    keys = set(
        db_session.scalars(
            sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("expansion-reminder:%"))
        )
    )
    assert any(key.startswith(f"expansion-reminder:{trafford.latest_version.id}:escalated:") for key in keys)
    assert any(
        key.startswith(f"expansion-reminder:{trafford.latest_version.id}:due_today:trafford.contact@") for key in keys
    )
    assert any(
        key.startswith(f"expansion-reminder:{farnworth.latest_version.id}:{asked[0]}:brightwater.") for key in keys
    )


def test_the_schedulers_run_today_sends_nothing_more(app, db_session):
    assert due_on(db_session, TODAY) == []
    before = db_session.scalar(sa.select(sa.func.count(ExpansionReminder.id)))
    with app.app_context():
        assert chase_expansion_responses(db_session, LONG_PAST_DUE) == "Expansion proposals chased: 0."
    assert db_session.scalar(sa.select(sa.func.count(ExpansionReminder.id))) == before
