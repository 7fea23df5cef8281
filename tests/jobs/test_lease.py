"""A slot left "running" by a process that was killed is taken over once its lease has passed, by
the next scheduler or a run by hand, and its work is done once; two takers at once: one wins."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from covenant_portal.audit.models import AuditEvent
from covenant_portal.db import create_db_engine, get_session, utcnow
from covenant_portal.jobs.models import JobRun, JobRunStatus
from covenant_portal.jobs.registry import DailyAt, Job
from covenant_portal.jobs.runner import Outcome, run_job
from covenant_portal.mail.models import OutboxMessage
from tests.jobs.blocking_app import STARTED, WORK_DONE_TO, hold_the_slot
from tests.jobs.processes import RunningFlask, flask_environment, run_flask

BLOCKING_APP = "tests.jobs.blocking_app"
LEASE = timedelta(minutes=60)  # the default JOB_LEASE_MINUTES


def killed_while_running(database_url: str, *args: str, **settings: str) -> JobRun:
    """Starts `flask *args` on the blocking app, SIGKILLs it once hold_the_slot is blocking, and
    returns the run it left behind."""
    environment = flask_environment(database_url, HOLD_THE_SLOT="block", **settings)
    process = RunningFlask(environment, *args, app=BLOCKING_APP)
    try:
        process.wait_for(STARTED)
    finally:
        return_code = process.kill()
    assert return_code == -9, process.output
    return stored_run(database_url)


def stored_run(database_url: str) -> JobRun:
    engine = create_db_engine(database_url)
    try:
        with Session(engine) as session:
            return session.scalar(select(JobRun).where(JobRun.job_name == "hold_the_slot"))
    finally:
        engine.dispose()


def work_done(app) -> int:
    with Session(app.extensions["db"].engine) as session:
        return session.scalar(select(func.count()).where(OutboxMessage.recipient == WORK_DONE_TO))


def takeovers(app) -> list[AuditEvent]:
    with Session(app.extensions["db"].engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "job_run.taken_over")))


def same_slot_job(run: JobRun) -> tuple[Job, object]:
    """hold_the_slot as a job of this process, and an as-of in the slot the killed run holds."""
    trigger = DailyAt(0, 0)
    return Job("hold_the_slot", hold_the_slot, trigger, "A job for tests."), trigger.as_of_on(
        date.fromisoformat(run.slot)
    )


def test_a_run_killed_by_hand_is_taken_over_by_a_run_by_hand_after_the_lease(committed_app, database_url):
    killed = killed_while_running(database_url, "jobs", "run", "hold_the_slot")
    assert killed.status == JobRunStatus.RUNNING and work_done(committed_app) == 0  # its work rolled back

    within_lease = run_flask(flask_environment(database_url), "jobs", "run", "hold_the_slot", app=BLOCKING_APP)
    assert within_lease.returncode == 0, within_lease.stderr
    assert within_lease.stdout == f"hold_the_slot {killed.slot}: already run (status running).\n"
    assert work_done(committed_app) == 0

    time.sleep(max(0.0, (killed.started_at + timedelta(seconds=3) - utcnow()).total_seconds()))
    short_lease = flask_environment(database_url, FLASK_JOB_LEASE_MINUTES="0.05")  # 3 seconds, passed
    after_lease = run_flask(short_lease, "jobs", "run", "hold_the_slot", app=BLOCKING_APP)
    again = run_flask(short_lease, "jobs", "run", "hold_the_slot", app=BLOCKING_APP)

    assert after_lease.returncode == 0, after_lease.stderr
    assert after_lease.stdout == f"hold_the_slot {killed.slot} succeeded: Queued one email.\n"
    assert again.stdout == f"hold_the_slot {killed.slot}: already run (status succeeded).\n"
    assert work_done(committed_app) == 1
    run = stored_run(database_url)
    assert (run.id, run.status, run.summary) == (killed.id, JobRunStatus.SUCCEEDED, "Queued one email.")
    [taken_over] = takeovers(committed_app)
    assert taken_over.object_id == str(killed.id)
    assert taken_over.details["previous_status"] == "running"
    assert taken_over.details["previous_started_at"] == killed.started_at.isoformat()
    assert taken_over.details["lease_minutes"] == 0.05


def test_a_killed_scheduler_s_run_is_taken_over_by_the_next_scheduler(committed_app, database_url, tmp_path):
    lock_file = str(tmp_path / "scheduler.lock")
    killed = killed_while_running(database_url, "scheduler", FLASK_SCHEDULER_LOCK_FILE=lock_file)
    assert killed.status == JobRunStatus.RUNNING and work_done(committed_app) == 0

    time.sleep(max(0.0, (killed.started_at + timedelta(seconds=3) - utcnow()).total_seconds()))
    environment = flask_environment(database_url, FLASK_JOB_LEASE_MINUTES="0.05", FLASK_SCHEDULER_LOCK_FILE=lock_file)
    next_scheduler = RunningFlask(environment, "scheduler", app=BLOCKING_APP)
    try:
        next_scheduler.wait_for(f"hold_the_slot {killed.slot} succeeded: Queued one email.")
    finally:
        return_code = next_scheduler.stop()
    assert return_code == 0, next_scheduler.output

    assert work_done(committed_app) == 1
    run = stored_run(database_url)
    assert (run.id, run.status) == (killed.id, JobRunStatus.SUCCEEDED)
    # The killed run is taken over once (the killed scheduler may have left its minute job's run
    # behind too, which the next one takes over as well: that is the lease doing its work).
    assert [
        event.details["slot"] for event in takeovers(committed_app) if event.details["job_name"] == "hold_the_slot"
    ] == [killed.slot]


def test_a_running_slot_is_not_taken_over_before_its_lease_ends(committed_app, database_url):
    killed = killed_while_running(database_url, "jobs", "run", "hold_the_slot")
    job, as_of = same_slot_job(killed)

    with committed_app.app_context():
        just_before = run_job(
            get_session(), job, as_of, retry_failed=True, now=killed.started_at + LEASE - timedelta(seconds=1)
        )
    with committed_app.app_context():
        at_the_end = run_job(get_session(), job, as_of, now=killed.started_at + LEASE)

    assert just_before.outcome == Outcome.ALREADY_RUN and just_before.run.status == JobRunStatus.RUNNING
    assert at_the_end.outcome == Outcome.SUCCEEDED
    assert work_done(committed_app) == 1


def test_of_several_takers_at_once_one_takes_the_slot_over(postgresql, committed_app, database_url):
    killed = killed_while_running(database_url, "jobs", "run", "hold_the_slot")
    job, as_of = same_slot_job(killed)
    later = killed.started_at + LEASE + timedelta(minutes=1)

    def take_over(_):
        with committed_app.app_context():
            return run_job(get_session(), job, as_of, retry_failed=True, now=later).outcome

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = Counter(pool.map(take_over, range(4)))

    assert outcomes == {Outcome.SUCCEEDED: 1, Outcome.ALREADY_RUN: 3}
    assert work_done(committed_app) == 1
    assert len(takeovers(committed_app)) == 1


def test_of_two_processes_taking_over_at_once_one_runs_the_slot(postgresql, committed_app, database_url):
    killed = killed_while_running(database_url, "jobs", "run", "hold_the_slot")
    time.sleep(max(0.0, (killed.started_at + timedelta(seconds=3) - utcnow()).total_seconds()))
    short_lease = flask_environment(database_url, FLASK_JOB_LEASE_MINUTES="0.05")

    takers = [RunningFlask(short_lease, "jobs", "run", "hold_the_slot", app=BLOCKING_APP) for _ in range(2)]
    return_codes = [taker.wait() for taker in takers]

    outputs = [taker.output for taker in takers]
    assert return_codes == [0, 0], outputs
    succeeded = [output for output in outputs if " succeeded: Queued one email." in output]
    already_run = [output for output in outputs if ": already run (status " in output]
    assert (len(succeeded), len(already_run)) == (1, 1), outputs
    assert work_done(committed_app) == 1
    assert len(takeovers(committed_app)) == 1
