"""What the jobs have done: the run history shown on the Job runs page and by `flask jobs list`."""
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.jobs.models import JobRun
from covenant_portal.jobs.registry import Job

JOB_RUNS_LIMIT = 200


def recent_runs(session: Session, job_name: str = "", limit: int = JOB_RUNS_LIMIT) -> list[JobRun]:
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    if job_name:
        query = query.where(JobRun.job_name == job_name)
    return list(session.scalars(query))


def last_run_by_job(session: Session, jobs: Sequence[Job]) -> dict[str, JobRun | None]:
    return {job.name: next(iter(recent_runs(session, job.name, limit=1)), None) for job in jobs}
