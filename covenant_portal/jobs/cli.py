"""`flask --app covenant_portal jobs list|run` and `flask --app covenant_portal scheduler`."""

import logging
from collections.abc import Callable
from datetime import date, datetime

import click
from flask import current_app

from covenant_portal.db import get_session, utcnow
from covenant_portal.filters import london_datetime
from covenant_portal.jobs.registry import LONDON, Job, job_named, scheduled_jobs
from covenant_portal.jobs.runner import Outcome, run_job
from covenant_portal.jobs.scheduler import SchedulerAlreadyRunning, run_scheduler
from covenant_portal.jobs.service import last_run_by_job


@click.group("jobs")
def jobs_cli():
    """Scheduled jobs: list them, or run one by hand."""


@jobs_cli.command("list")
def list_command() -> None:
    """Each job with its schedule, description and last run."""
    jobs = scheduled_jobs()
    last_runs = last_run_by_job(get_session(), jobs)
    for job in jobs:
        run = last_runs[job.name]
        last = f"{run.status}, slot {run.slot}, started {london_datetime(run.started_at)}" if run else "never"
        click.echo(f"{job.name}: {job.trigger.description}\n  {job.description}\n  Last run: {last}")


@jobs_cli.command("run")
@click.argument("name")
@click.option(
    "--as-of",
    help="Run for this date (YYYY-MM-DD: that day's slot; for a minute job, 00:00 that day) or date-time "
    "(YYYY-MM-DDTHH:MM, Europe/London unless it gives an offset). Default: now, that is the latest slot whose "
    "time has come. A failed slot is run again; a successful one is not; one left running by a killed "
    "process is taken over once JOB_LEASE_MINUTES have passed since it started.",
)
def run_command(name: str, as_of: str | None) -> None:
    """Run job NAME once for a slot (does nothing if that slot already ran)."""
    job = job_named(name)
    if job is None:
        known = ", ".join(job.name for job in scheduled_jobs())
        raise click.UsageError(f"There is no job called {name!r}. The jobs are: {known}.")
    result = run_job(get_session(), job, parse_as_of(job, as_of) if as_of else utcnow(), retry_failed=True)
    if result.outcome == Outcome.FAILED:
        raise click.ClickException(result.message)
    click.echo(result.message)


def parse_as_of(job: Job, text: str) -> datetime:
    return parse_date_or_moment(text, job.trigger.as_of_on)


def parse_date_or_moment(text: str, moment_on: Callable[[date], datetime]) -> datetime:
    """An --as-of: a date (the moment `moment_on` gives for it) or a date-time (Europe/London unless
    it gives an offset)."""
    try:
        return moment_on(date.fromisoformat(text))
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            "give a date like 2026-03-01 or a date-time like 2026-03-01T06:00", param_hint="--as-of"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the job scheduler in the foreground (one per deployment; stop it with SIGTERM or Ctrl-C)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        run_scheduler(current_app._get_current_object())  # type: ignore[attr-defined]
    except SchedulerAlreadyRunning as error:
        raise click.ClickException(str(error)) from error
