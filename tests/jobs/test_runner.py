"""A job runs once per slot; a failure is recorded on its run and can be run again by hand."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from covenant_portal.audit.models import AuditEvent
from covenant_portal.db import utcnow
from covenant_portal.jobs.models import JobRun, JobRunStatus
from covenant_portal.jobs.registry import DailyAt, EveryMinute, Job, scheduled_jobs
from covenant_portal.mail.area import SEND_OUTBOX
from covenant_portal.jobs.runner import Outcome, run_job
from covenant_portal.mail.models import OutboxMessage
from tests.mail.outbox import queue_notice

LONDON = ZoneInfo("Europe/London")


def runs_of(session, job_name: str) -> list[JobRun]:
    return list(session.scalars(select(JobRun).where(JobRun.job_name == job_name).order_by(JobRun.id)))


def test_the_same_slot_is_run_once(app, db_session, mail_app_config, smtp_server):
    app.config.update(mail_app_config)
    as_of = utcnow()
    queue_notice(db_session, "first@provider.example", as_of)
    db_session.commit()

    first = run_job(db_session, SEND_OUTBOX, as_of)
    queue_notice(db_session, "second@provider.example", as_of)
    db_session.commit()
    second = run_job(db_session, SEND_OUTBOX, as_of.replace(second=59))

    assert first.outcome == Outcome.SUCCEEDED and first.run.summary == "Sent 1, will retry 0, failed 0."
    assert second.outcome == Outcome.ALREADY_RUN and "already run" in second.message
    assert [message["To"] for message in smtp_server.messages] == ["first@provider.example"]
    [run] = runs_of(db_session, "send_outbox")
    assert run.slot == as_of.strftime("%Y-%m-%dT%H:%M") and run.status == JobRunStatus.SUCCEEDED
    assert run.finished_at >= run.started_at


def test_the_next_slot_runs_again(app, db_session, mail_app_config, smtp_server):
    app.config.update(mail_app_config)
    as_of = datetime(2026, 3, 1, 12, 0, 30, tzinfo=timezone.utc)

    run_job(db_session, SEND_OUTBOX, as_of)
    later = run_job(db_session, SEND_OUTBOX, as_of.replace(minute=1))

    assert later.outcome == Outcome.SUCCEEDED
    assert [run.slot for run in runs_of(db_session, "send_outbox")] == ["2026-03-01T12:00", "2026-03-01T12:01"]


class FailsOnce:
    """A job that breaks the first time (after writing something it must not keep), then works."""

    def __init__(self):
        self.calls = 0

    def __call__(self, session, as_of):
        self.calls += 1
        queue_notice(session, "half-done@provider.example", as_of)
        session.flush()
        if self.calls == 1:
            raise RuntimeError("the reference data is missing")
        session.commit()
        return "Done."


def test_a_failed_run_is_recorded_and_its_work_rolled_back(db_session):
    job = Job("flaky", FailsOnce(), DailyAt(6), "A job for this test.")
    as_of = datetime(2026, 3, 2, 6, 0, tzinfo=LONDON)

    result = run_job(db_session, job, as_of)

    assert result.outcome == Outcome.FAILED
    assert result.message == "flaky 2026-03-02 failed: RuntimeError: the reference data is missing"
    [run] = runs_of(db_session, "flaky")
    assert run.status == JobRunStatus.FAILED and run.error == "RuntimeError: the reference data is missing"
    assert run.finished_at is not None
    assert db_session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_failed_slot_stays_failed_until_run_again_by_hand(db_session):
    job_function = FailsOnce()
    job = Job("flaky", job_function, DailyAt(6), "A job for this test.")
    as_of = datetime(2026, 3, 2, 6, 0, tzinfo=LONDON)
    run_job(db_session, job, as_of)

    scheduled_again = run_job(db_session, job, as_of)
    assert scheduled_again.outcome == Outcome.ALREADY_RUN and job_function.calls == 1

    by_hand = run_job(db_session, job, as_of, retry_failed=True)
    assert by_hand.outcome == Outcome.SUCCEEDED and job_function.calls == 2
    [run] = runs_of(db_session, "flaky")
    assert (run.status, run.summary, run.error) == (JobRunStatus.SUCCEEDED, "Done.", None)
    retried = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "job_run.retried"))
    assert retried.object_id == str(run.id)
    assert retried.details["previous_error"] == "RuntimeError: the reference data is missing"


def test_a_successful_slot_is_not_run_again_even_by_hand(db_session):
    job_function = FailsOnce()
    job_function.calls = 1  # it works from the first call
    job = Job("steady", job_function, DailyAt(6), "A job for this test.")
    as_of = datetime(2026, 3, 2, 6, 0, tzinfo=LONDON)

    run_job(db_session, job, as_of)
    again = run_job(db_session, job, as_of, retry_failed=True)

    assert again.outcome == Outcome.ALREADY_RUN and job_function.calls == 2
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == 0


@pytest.mark.parametrize(
    ("moment", "slot"),
    [
        (datetime(2026, 3, 2, 5, 59, tzinfo=LONDON), "2026-03-01"),  # before 06:00: yesterday's run
        (datetime(2026, 3, 2, 6, 0, tzinfo=LONDON), "2026-03-02"),
        (datetime(2026, 3, 2, 23, 59, tzinfo=LONDON), "2026-03-02"),
        (datetime(2026, 7, 1, 5, 30, tzinfo=timezone.utc), "2026-07-01"),  # 06:30 in summer time
        (datetime(2026, 7, 1, 4, 59, tzinfo=timezone.utc), "2026-06-30"),  # 05:59 in summer time
    ],
)
def test_a_daily_job_has_one_slot_per_uk_day(moment, slot):
    assert Job("daily", FailsOnce(), DailyAt(6), "").slot_for(moment) == slot


def test_a_daily_job_asked_for_a_day_runs_as_of_its_time_that_day():
    assert DailyAt(6).as_of_on(date(2026, 7, 1)) == datetime(2026, 7, 1, 5, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("moment", "slot"),
    [
        (datetime(2026, 3, 2, 12, 0, 0, tzinfo=timezone.utc), "2026-03-02T12:00"),
        (datetime(2026, 3, 2, 12, 0, 59, 999999, tzinfo=timezone.utc), "2026-03-02T12:00"),
        (datetime(2026, 7, 1, 13, 5, 10, tzinfo=LONDON), "2026-07-01T12:05"),  # slots are UTC minutes
    ],
)
def test_a_minute_job_has_one_slot_per_utc_minute(moment, slot):
    assert Job("minutely", FailsOnce(), EveryMinute(), "").slot_for(moment) == slot


def test_the_registry_names_each_job_once_with_a_schedule_and_description(app):
    names = [job.name for job in scheduled_jobs(app)]
    assert len(names) == len(set(names)) and "send_outbox" in names
    for job in scheduled_jobs(app):
        assert job.description and job.trigger.description
        # A late run must still belong to the slot of its fire time (see registry.py).
        interval = {EveryMinute: timedelta(minutes=1), DailyAt: timedelta(days=1)}[type(job.trigger)]
        assert job.trigger.misfire_grace < interval
