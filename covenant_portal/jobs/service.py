"""What the jobs have done: the run history shown on the Job runs page and by `flask jobs list`."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.jobs.models import JobRun, JobRunStatus
from covenant_portal.jobs.registry import Job

JOB_RUNS_LIMIT = 200


def recent_runs(session: Session, job_name: str = "", limit: int = JOB_RUNS_LIMIT) -> list[JobRun]:
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    if job_name:
        query = query.where(JobRun.job_name == job_name)
    return list(session.scalars(query))


def last_run_by_job(session: Session, jobs: Sequence[Job]) -> dict[str, JobRun | None]:
    return {job.name: next(iter(recent_runs(session, job.name, limit=1)), None) for job in jobs}


@dataclass(frozen=True)
class RunGroup:
    """Runs of one job in a row that succeeded with the same result (a minute job finding nothing to
    do, say), shown as one row so that they do not hide the runs that did something."""

    newest: JobRun
    oldest: JobRun
    count: int


def grouped_runs(runs: Sequence[JobRun]) -> list[RunGroup]:
    """`runs`, newest first, with each stretch of alike successful runs of a job made one group."""
    groups: list[RunGroup] = []
    for run in runs:
        last = groups[-1] if groups else None
        if last is not None and _alike(last.oldest, run):
            groups[-1] = RunGroup(last.newest, run, last.count + 1)
        else:
            groups.append(RunGroup(run, run, 1))
    return groups


def _alike(earlier_in_list: JobRun, run: JobRun) -> bool:
    return (
        run.job_name == earlier_in_list.job_name
        and run.status == earlier_in_list.status == JobRunStatus.SUCCEEDED
        and run.summary == earlier_in_list.summary
    )
