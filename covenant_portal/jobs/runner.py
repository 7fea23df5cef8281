"""Runs a job once per slot, whoever asks and however many processes ask at once.

The claim is a JobRun row for (job_name, slot), inserted and committed before the job starts: the
unique constraint lets exactly one claimant through; the others do nothing and report "already run".

A failed slot stays failed for the scheduler (the next slot of a minute job comes anyway; a daily
job's failure waits for a person). Running the job by hand (`flask jobs run NAME --as-of DATE`)
re-claims a failed slot with one conditional UPDATE, so two people retrying at once still run it
once; the error it replaces is kept in a "job_run.retried" audit event. A slot left "running" by a
process that was killed is not re-claimed automatically (see the report to the lead).
"""
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

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


def run_job(session: Session, job: Job, as_of: datetime, *, retry_failed: bool = False) -> RunResult:
    """Runs `job` as of `as_of` unless its slot is already claimed (or, with retry_failed, unless
    the slot is claimed and did not fail)."""
    slot = job.slot_for(as_of)
    run = _claim(session, job.name, slot) or (_reclaim_failed(session, job.name, slot) if retry_failed else None)
    if run is None:
        existing = session.scalars(select(JobRun).where(JobRun.job_name == job.name, JobRun.slot == slot)).one()
        return RunResult(job.name, slot, Outcome.ALREADY_RUN, existing)
    run_id = run.id
    try:
        summary = job.function(session, as_of)
    except Exception as error:  # any failure of the job is recorded on its run, not raised
        logger.exception("Job %s for slot %s failed", job.name, slot)
        session.rollback()
        run = _finish(session, run_id, JobRunStatus.FAILED, error=f"{type(error).__name__}: {error}")
        return RunResult(job.name, slot, Outcome.FAILED, run)
    run = _finish(session, run_id, JobRunStatus.SUCCEEDED, summary=summary)
    return RunResult(job.name, slot, Outcome.SUCCEEDED, run)


def _claim(session: Session, job_name: str, slot: str) -> JobRun | None:
    run = JobRun(job_name=job_name, slot=slot, status=JobRunStatus.RUNNING, started_at=utcnow())
    session.add(run)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return run


def _reclaim_failed(session: Session, job_name: str, slot: str) -> JobRun | None:
    failed = session.scalar(
        select(JobRun).where(JobRun.job_name == job_name, JobRun.slot == slot, JobRun.status == JobRunStatus.FAILED)
    )
    if failed is None:
        return None
    previous_error, previous_started_at = failed.error, failed.started_at
    now = utcnow()
    reclaimed = session.execute(  # type: ignore[attr-defined]  # .rowcount: an UPDATE's result is a CursorResult
        update(JobRun)
        .where(JobRun.id == failed.id, JobRun.status == JobRunStatus.FAILED)
        .values(status=JobRunStatus.RUNNING, started_at=now, finished_at=None, summary=None, error=None)
    ).rowcount
    if not reclaimed:
        session.rollback()
        return None
    audit.record(
        session, SYSTEM, "job_run.retried", failed, now,
        job_name=job_name, slot=slot, previous_error=previous_error,
        previous_started_at=previous_started_at.isoformat(),
    )
    session.commit()
    session.refresh(failed)
    return failed


def _finish(session: Session, run_id: int, status: JobRunStatus, summary: str | None = None,
            error: str | None = None) -> JobRun:
    run = session.get_one(JobRun, run_id)  # fetched again: the job may have rolled back or closed the session
    run.status = status
    run.summary = summary
    run.error = error
    run.finished_at = utcnow()
    session.commit()
    return run
