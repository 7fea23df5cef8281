"""`flask jobs list` and `flask jobs run`, as an operator uses them."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from covenant_portal.jobs.models import JobRun, JobRunStatus


@pytest.fixture
def flask_command(app, db_session):
    """Runs a `flask` command in an app context of its own, as on the command line (so its
    database session ends with it)."""
    runner = app.test_cli_runner()

    def invoke(*args):
        with app.app_context():
            return runner.invoke(args=list(args))

    return invoke


def test_jobs_list_shows_each_job_with_its_schedule_and_last_run(flask_command):
    before = flask_command("jobs", "list")
    flask_command("jobs", "run", "send_outbox", "--as-of", "2026-03-02T12:00")
    after = flask_command("jobs", "list")

    assert before.exit_code == 0
    assert "send_outbox: Every minute" in before.output and "Sends the emails due" in before.output
    assert "Last run: never" in before.output
    assert "Last run: succeeded, slot 2026-03-02T12:00, started" in after.output


def test_jobs_run_runs_a_slot_once(flask_command, db_session):
    first = flask_command("jobs", "run", "send_outbox", "--as-of", "2026-03-02T12:00")
    second = flask_command("jobs", "run", "send_outbox", "--as-of", "2026-03-02T12:00:45")

    assert first.exit_code == 0
    assert first.output.startswith("send_outbox 2026-03-02T12:00 succeeded: Sending is off")
    assert second.exit_code == 0
    assert second.output == "send_outbox 2026-03-02T12:00: already run (status succeeded).\n"
    assert len(db_session.scalars(select(JobRun)).all()) == 1


def test_without_as_of_a_minute_job_runs_for_the_current_minute(flask_command, db_session):
    before = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    result = flask_command("jobs", "run", "send_outbox")
    after = datetime.now(timezone.utc)

    assert result.exit_code == 0
    run = db_session.scalar(select(JobRun))
    assert run.slot in {before.strftime("%Y-%m-%dT%H:%M"), after.strftime("%Y-%m-%dT%H:%M")}


@pytest.mark.parametrize(
    ("as_of", "slot"),
    [
        ("2026-01-15", "2026-01-15T00:00"),  # a date: the first minute of that UK day
        ("2026-07-15", "2026-07-14T23:00"),  # in summer time that minute is 23:00 UTC the day before
        ("2026-07-15T09:30", "2026-07-15T08:30"),  # a date-time without offset is UK time
        ("2026-07-15T09:30+00:00", "2026-07-15T09:30"),
    ],
)
def test_as_of_picks_the_slot(flask_command, db_session, as_of, slot):
    assert flask_command("jobs", "run", "send_outbox", "--as-of", as_of).exit_code == 0
    assert db_session.scalar(select(JobRun.slot)) == slot


def test_an_unknown_job_is_refused_with_the_known_ones(flask_command):
    result = flask_command("jobs", "run", "send_inbox")

    assert result.exit_code == 2
    assert (
        "There is no job called 'send_inbox'. The jobs are: send_outbox, chase_covenant_resigning, chase_overdue_returns, chase_expansion_responses, observatory_variance_alerts, chase_concerns."
        in result.output
    )


def test_a_malformed_as_of_is_refused(flask_command):
    result = flask_command("jobs", "run", "send_outbox", "--as-of", "2 March")

    assert result.exit_code == 2
    assert "give a date like 2026-03-01 or a date-time like 2026-03-01T06:00" in result.output


def test_a_failed_run_exits_non_zero_and_can_be_run_again(app, flask_command, db_session):
    app.config["MAIL_BATCH_SIZE"] = "lots"  # a broken setting: the job cannot work

    failed = flask_command("jobs", "run", "send_outbox", "--as-of", "2026-03-02T12:00")

    assert failed.exit_code == 1
    assert "send_outbox 2026-03-02T12:00 failed: ValueError: invalid literal for int()" in failed.output
    assert db_session.scalar(select(JobRun.status)) == JobRunStatus.FAILED

    app.config["MAIL_BATCH_SIZE"] = 100
    again = flask_command("jobs", "run", "send_outbox", "--as-of", "2026-03-02T12:00")

    assert again.exit_code == 0 and "succeeded" in again.output
    assert db_session.scalar(select(JobRun.status)) == JobRunStatus.SUCCEEDED
