"""The scheduler process (`flask --app covenant_portal scheduler`): fires the jobs of the registry.

It runs in a process of its own, never in a web worker. Only one runs at a time: it holds a
PostgreSQL session-level advisory lock (on a connection kept for the life of the process) or, on
SQLite, an exclusive lock on SCHEDULER_LOCK_FILE (default instance/scheduler.lock). Even if two ran,
the slot claims of the runner would still run each job once per slot.

It writes a heartbeat (heartbeat.py) when it starts and every minute, for GET /healthz.

SIGTERM or SIGINT stops it once the jobs running at that moment have finished.
"""

import fcntl
import logging
import os
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from covenant_portal.db import get_session, run_start_up_steps, utcnow
from covenant_portal.jobs.heartbeat import HEARTBEAT_INTERVAL, beat
from covenant_portal.jobs.registry import LONDON, Job, scheduled_jobs
from covenant_portal.jobs.runner import Outcome, run_job

logger = logging.getLogger(__name__)

# The advisory lock's key. Advisory locks are shared by the whole database, so the key is made from
# the schema's name (as the ledger's is): portals, or test runs, in different schemas of one database
# each have a scheduler of their own. In pg_locks: locktype advisory.
ADVISORY_LOCK_KEY_QUERY = "SELECT hashtextextended('gm-first-scheduler:' || current_schema(), 0)"


class SchedulerAlreadyRunning(RuntimeError):
    """Another scheduler process holds the lock."""


def run_scheduler(app: Flask) -> None:
    """Runs the scheduler until SIGTERM or SIGINT; raises SchedulerAlreadyRunning if another runs."""
    with scheduler_lock(app) as lock_description:
        for done in run_start_up_steps(app):  # what pages read, made before any job runs
            logger.info("Start-up: %s", done)
        started_at = utcnow()
        scheduler = build_scheduler(app, started_at)
        _beat_every_minute(scheduler, app, started_at)
        _stop_on_signals(scheduler)
        logger.info(
            "Holding the %s; scheduling jobs: %s",
            lock_description,
            ", ".join(f"{job.name} ({job.trigger.description})" for job in scheduled_jobs(app)),
        )
        scheduler.start()
    logger.info("Scheduler stopped")


def build_scheduler(app: Flask, now: datetime, jobs: Sequence[Job] | None = None) -> BlockingScheduler:
    jobs = scheduled_jobs(app) if jobs is None else jobs
    scheduler = BlockingScheduler(
        timezone=LONDON, executors={"default": ThreadPoolExecutor(max_workers=max(2, len(jobs)))}
    )
    for job in jobs:
        scheduler.add_job(
            run_scheduled_job,
            job.trigger.cron_trigger(),
            args=(app, job),
            id=job.name,
            name=job.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(job.trigger.misfire_grace.total_seconds()),
            **({"next_run_time": now} if missed_recently(job, now) else {}),
        )
    return scheduler


def missed_recently(job: Job, now: datetime) -> bool:
    """Whether the job's latest fire time passed within its misfire grace: then it runs as soon as
    the scheduler starts, so a restart at 06:00 does not skip the day. The slot claim makes this
    harmless when that slot did run."""
    return now - job.trigger.latest_fire_time(now) <= job.trigger.misfire_grace


def run_scheduled_job(app: Flask, job: Job) -> None:
    with app.app_context():
        result = run_job(get_session(), job, utcnow())
    log = logger.error if result.outcome == Outcome.FAILED else logger.info
    log("%s", result.message)


def _beat_every_minute(scheduler: BlockingScheduler, app: Flask, started_at: datetime) -> None:
    scheduler.add_job(
        write_heartbeat,
        IntervalTrigger(seconds=HEARTBEAT_INTERVAL.total_seconds(), timezone=LONDON),
        args=(app, started_at),
        id="heartbeat",
        name="heartbeat",
        coalesce=True,
        max_instances=1,
        next_run_time=started_at,
    )


def write_heartbeat(app: Flask, started_at: datetime) -> None:
    try:
        with app.app_context():
            beat(get_session(), started_at, utcnow())
    except sa.exc.SQLAlchemyError:  # the database is away: the next beat tries again
        logger.exception("Could not write the scheduler's heartbeat")


def _stop_on_signals(scheduler: BlockingScheduler) -> None:
    # A signal that comes before scheduler.start() has the scheduler running is remembered, and the
    # scheduler stops as soon as it has started: otherwise it would be lost and the scheduler run on.
    requested = []

    def stop(signal_number, _frame):
        logger.info("%s received: stopping once running jobs finish", signal.Signals(signal_number).name)
        requested.append(signal_number)
        if scheduler.running:
            scheduler.shutdown(wait=True)

    def stop_if_asked_before(_event):
        if requested and scheduler.running:
            scheduler.shutdown(wait=False)

    scheduler.add_listener(stop_if_asked_before, EVENT_SCHEDULER_STARTED)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


@contextmanager
def scheduler_lock(app: Flask) -> Iterator[str]:
    """Holds the one-scheduler lock for the duration of the block; yields what it holds."""
    engine = app.extensions["db"].engine
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine) as description:
            yield description
    else:
        with _file_lock(lock_file_path(app)) as description:
            yield description


def lock_file_path(app: Flask) -> Path:
    return Path(app.config["SCHEDULER_LOCK_FILE"] or Path(app.instance_path) / "scheduler.lock")


@contextmanager
def _advisory_lock(engine: sa.Engine) -> Iterator[str]:
    connection = engine.connect()
    acquired = False
    try:
        key = connection.scalar(sa.text(ADVISORY_LOCK_KEY_QUERY))
        acquired = connection.scalar(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        connection.commit()  # the lock is the session's; an open transaction would only hold back vacuum
        if not acquired:
            raise SchedulerAlreadyRunning(
                "Another scheduler is already running: it holds the PostgreSQL advisory lock "
                f"{key}. Stop it first, or leave it running."
            )
        yield f"PostgreSQL advisory lock {key}"
    finally:
        _release(connection, key if acquired else None)


def _release(connection: sa.Connection, key: int | None) -> None:
    """Unlocks at once (the server ends a closed connection's session a moment later, so a scheduler
    starting straight after could still find the lock held), then ends the database session, which
    releases the lock whatever happened; handing the connection back to the pool would keep it."""
    try:
        if key is not None:
            connection.rollback()
            connection.scalar(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
    except sa.exc.DBAPIError:
        pass  # the connection is gone, and the lock with it
    finally:
        connection.invalidate()
        connection.close()


@contextmanager
def _file_lock(path: Path) -> Iterator[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise SchedulerAlreadyRunning(
                f"Another scheduler is already running (process {holder}): it holds the lock file {path}. "
                "Stop it first, or leave it running."
            ) from None
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield f"lock file {path}"
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
