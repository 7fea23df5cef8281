"""Runs a job once per slot, whoever asks and however many processes ask at once.

The claim is a JobRun row for (job_name, slot), inserted and committed before the job starts: the
unique constraint lets exactly one claimant through; the others do nothing and report "already run".

A failed slot stays failed for the scheduler (the next slot of a minute job comes anyway; a daily
job's failure waits for a person). Running the job by hand (`flask jobs run NAME --as-of DATE`)
re-claims a failed slot with one conditional UPDATE, so two people retrying at once still run it
once; the error it replaces is kept in a "job_run.retried" audit event.

A slot left "running" by a process that was killed (or lost its database) holds a lease of
JOB_LEASE_MINUTES from when it started: once that has passed, the next claimant (the scheduler, or
`flask jobs run NAME`) takes the slot over with one conditional UPDATE (WHERE status = 'running'
AND started_at is before the lease's end), so of two takers at once exactly one runs it. The run it
replaces is kept in a "job_run.taken_over" audit event. The lease must be longer than the longest
run of any job: a run still alive when its lease ends would be run a second time.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.audit.service import SYSTEM
from covenant_portal.db import utcnow
from covenant_portal.jobs.models import JobRun, JobRunStatus
from covenant_portal.jobs.registry import Job

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ALREADY_RUN = "already run"


@dataclass(frozen=True)
class RunResult:
    job_name: str
    slot: str
    outcome: Outcome
    run: JobRun

    @property
    def message(self) -> str:
        if self.outcome == Outcome.ALREADY_RUN:
            return f"{self.job_name} {self.slot}: already run (status {self.run.status})."
        if self.outcome == Outcome.FAILED:
            return f"{self.job_name} {self.slot} failed: {self.run.error}"
        return f"{self.job_name} {self.slot} succeeded: {self.run.summary}"


def run_job(
    session: Session,
    job: Job,
    as_of: datetime,
    *,
    retry_failed: bool = False,
    now: datetime | None = None,
    lease: timedelta | None = None,
) -> RunResult:
    """Runs `job` as of `as_of` unless its slot is already claimed (or, with retry_failed, unless
    the slot is claimed and did not fail). A slot claimed `lease` (default: JOB_LEASE_MINUTES) or
    longer before `now` (default: the clock) and still "running" is taken over. Given `now` (a run
    replayed as of then, as seed-demo does), the run is dated then, its end too."""
    replayed = now
    now = now or utcnow()
    finished_at: Callable[[], datetime] = utcnow if replayed is None else (lambda: now)
    lease = lease if lease is not None else timedelta(minutes=float(current_app.config["JOB_LEASE_MINUTES"]))
    slot = job.slot_for(as_of)
    run = (
        _claim(session, job.name, slot, now)
        or _take_over_expired(session, job.name, slot, now, lease)
        or (_reclaim_failed(session, job.name, slot, now) if retry_failed else None)
    )
    if run is None:
        existing = session.scalars(select(JobRun).where(JobRun.job_name == job.name, JobRun.slot == slot)).one()
        return RunResult(job.name, slot, Outcome.ALREADY_RUN, existing)
    run_id = run.id
    try:
        summary = job.function(session, as_of)
    except Exception as error:  # any failure of the job is recorded on its run, not raised
        logger.exception("Job %s for slot %s failed", job.name, slot)
        session.rollback()
        run = _finish(session, run_id, finished_at(), JobRunStatus.FAILED, error=f"{type(error).__name__}: {error}")
        return RunResult(job.name, slot, Outcome.FAILED, run)
    run = _finish(session, run_id, finished_at(), JobRunStatus.SUCCEEDED, summary=summary)
    return RunResult(job.name, slot, Outcome.SUCCEEDED, run)


def _claim(session: Session, job_name: str, slot: str, now: datetime) -> JobRun | None:
    run = JobRun(job_name=job_name, slot=slot, status=JobRunStatus.RUNNING, started_at=now)
    session.add(run)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return run


def _reclaim_failed(session: Session, job_name: str, slot: str, now: datetime) -> JobRun | None:
    return _reclaim(session, job_name, slot, now, "job_run.retried", JobRun.status == JobRunStatus.FAILED)


def _take_over_expired(session: Session, job_name: str, slot: str, now: datetime, lease: timedelta) -> JobRun | None:
    return _reclaim(
        session,
        job_name,
        slot,
        now,
        "job_run.taken_over",
        JobRun.status == JobRunStatus.RUNNING,
        JobRun.started_at <= now - lease,
        lease_minutes=lease.total_seconds() / 60,
    )


def _reclaim(
    session: Session, job_name: str, slot: str, now: datetime, event: str, *conditions, **details
) -> JobRun | None:
    """Claims the slot's run again if it meets `conditions`: one conditional UPDATE that re-checks
    them, so of several claimants at once one wins (on PostgreSQL the others wait for its commit,
    then find the conditions no longer met). The run replaced is kept in an `event` audit event."""
    found = session.scalar(select(JobRun).where(JobRun.job_name == job_name, JobRun.slot == slot, *conditions))
    if found is None:
        session.rollback()  # ends the read, and its transaction (on SQLite, the write lock it took)
        return None
    previous_status, previous_error, previous_started_at = found.status, found.error, found.started_at
    reclaimed = session.execute(  # type: ignore[attr-defined]  # .rowcount: an UPDATE's result is a CursorResult
        update(JobRun)
        .where(JobRun.id == found.id, *conditions)
        .values(status=JobRunStatus.RUNNING, started_at=now, finished_at=None, summary=None, error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not reclaimed:
        session.rollback()
        return None
    audit.record(
        session,
        SYSTEM,
        event,
        found,
        now,
        job_name=job_name,
        slot=slot,
        previous_status=str(previous_status),
        previous_error=previous_error,
        previous_started_at=previous_started_at.isoformat(),
        **details,
    )
    session.commit()
    session.refresh(found)
    return found


def _finish(
    session: Session,
    run_id: int,
    finished_at: datetime,
    status: JobRunStatus,
    summary: str | None = None,
    error: str | None = None,
) -> JobRun:
    run = session.get_one(JobRun, run_id)  # fetched again: the job may have rolled back or closed the session
    run.status = status
    run.summary = summary
    run.error = error
    run.finished_at = finished_at
    session.commit()
    return run
