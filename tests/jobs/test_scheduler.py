"""One scheduler at a time; it stops cleanly; each scheduled run claims the slot of its fire time."""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from covenant_portal.db import utcnow
from covenant_portal.jobs.models import JobRun, JobRunStatus
from covenant_portal.jobs.registry import DailyAt, Job, job_named, scheduled_jobs
from covenant_portal.jobs.scheduler import (
    SchedulerAlreadyRunning,
    build_scheduler,
    missed_recently,
    run_scheduled_job,
    scheduler_lock,
)
from tests.jobs.processes import RunningFlask, flask_environment, run_flask

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def lock_file(app, tmp_path):
    app.config["SCHEDULER_LOCK_FILE"] = str(tmp_path / "scheduler.lock")
    return tmp_path / "scheduler.lock"


def test_only_one_scheduler_lock_can_be_held_at_a_time(app, lock_file):
    with scheduler_lock(app):
        with pytest.raises(SchedulerAlreadyRunning, match="Another scheduler is already running"):
            with scheduler_lock(app):
                pass  # pragma: no cover - never reached

    with scheduler_lock(app) as held:  # released when the first scheduler ends
        assert held


def test_the_lock_is_released_even_when_the_scheduler_fails(app, lock_file):
    with pytest.raises(RuntimeError):
        with scheduler_lock(app):
            raise RuntimeError("the scheduler broke")

    with scheduler_lock(app):
        pass


def test_a_second_scheduler_process_refuses_to_start_and_the_first_stops_on_sigterm(
    committed_app, database_url, tmp_path
):
    environment = flask_environment(database_url, FLASK_SCHEDULER_LOCK_FILE=str(tmp_path / "scheduler.lock"))
    first = RunningFlask(environment, "scheduler")
    try:
        first.wait_for("Scheduler started")

        second = run_flask(environment, "scheduler")

        assert second.returncode == 1
        assert "Error: Another scheduler is already running" in second.stderr
    finally:
        return_code = first.stop()
    assert return_code == 0, first.output
    assert "SIGTERM received: stopping once running jobs finish" in first.output
    assert "Scheduler stopped" in first.output


def test_every_job_of_the_registry_is_scheduled_with_coalescing_and_its_grace(app):
    scheduler = build_scheduler(app, utcnow())

    scheduled = {job.id: job for job in scheduler.get_jobs()}

    assert set(scheduled) == {job.name for job in scheduled_jobs(app)}
    for job in scheduled_jobs(app):
        assert scheduled[job.name].coalesce is True and scheduled[job.name].max_instances == 1
        assert scheduled[job.name].misfire_grace_time == job.trigger.misfire_grace.total_seconds()


def test_scheduled_runs_of_one_fire_time_claim_one_slot(app, db_session):
    send_outbox = job_named("send_outbox")
    before = utcnow()
    run_scheduled_job(app, send_outbox)
    run_scheduled_job(app, send_outbox)  # a second scheduler, or a restart within the minute
    after = utcnow()

    runs = db_session.scalars(select(JobRun).where(JobRun.job_name == "send_outbox")).all()
    minutes = {before.strftime("%Y-%m-%dT%H:%M"), after.strftime("%Y-%m-%dT%H:%M")}
    if len(minutes) == 1:
        assert len(runs) == 1
    else:  # the minute turned during the calls: before the second took its slot (two runs) or after (one)
        assert 1 <= len(runs) <= 2
    assert {run.slot for run in runs} <= minutes


def test_a_failing_scheduled_job_is_logged_and_recorded(app, db_session, caplog):
    def broken(session, as_of):
        raise LookupError("no such local authority")

    with caplog.at_level(logging.INFO, logger="covenant_portal.jobs"):
        run_scheduled_job(app, Job("broken", broken, DailyAt(6), "A job for this test."))

    run = db_session.scalar(select(JobRun).where(JobRun.job_name == "broken"))
    assert run.status == JobRunStatus.FAILED and run.error == "LookupError: no such local authority"
    assert any(
        record.levelno == logging.ERROR and "failed: LookupError" in record.getMessage() for record in caplog.records
    )


@pytest.mark.parametrize(
    ("started_at", "runs_at_start"),
    [
        (datetime(2026, 3, 2, 5, 30, tzinfo=LONDON), False),  # before today's 06:00; yesterday's is too old
        (datetime(2026, 3, 2, 6, 0, 5, tzinfo=LONDON), True),
        (datetime(2026, 3, 2, 11, 59, tzinfo=LONDON), True),  # 06:00 was missed, within the 6 hours' grace
        (datetime(2026, 3, 2, 12, 1, tzinfo=LONDON), False),  # too late: the next run is tomorrow's
    ],
)
def test_a_daily_run_missed_while_no_scheduler_ran_is_caught_up_at_start(app, started_at, runs_at_start):
    daily = Job("daily", lambda session, as_of: "Done.", DailyAt(6), "A job for this test.")

    [scheduled] = build_scheduler(app, started_at, jobs=[daily]).get_jobs()

    assert missed_recently(daily, started_at) is runs_at_start
    assert (getattr(scheduled, "next_run_time", None) == started_at) is runs_at_start
