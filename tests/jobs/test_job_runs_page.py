"""Admins see what the scheduled jobs did, failures first to the eye."""

import re
from datetime import datetime, timedelta, timezone

import pytest

from covenant_portal.access import Role
from covenant_portal.jobs.models import JobRun, JobRunStatus
from tests.factories import create_user

RUN_ROW = re.compile(r'<tr class="govuk-table__row">\s*<td.*?</tr>', re.S)
STARTED = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def admin_request(client_request, db_session):
    client_request.login(create_user(db_session, Role.ADMIN))
    return client_request


def add_run(session, minutes: int, status=JobRunStatus.SUCCEEDED, job_name="send_outbox", **values) -> JobRun:
    started_at = STARTED + timedelta(minutes=minutes)
    values = {"finished_at": started_at + timedelta(seconds=2)} | values
    run = JobRun(
        job_name=job_name, slot=started_at.strftime("%Y-%m-%dT%H:%M"), status=status, started_at=started_at, **values
    )
    session.add(run)
    session.flush()
    return run


def test_the_page_lists_the_schedule_even_before_any_run(admin_request):
    html = admin_request.get("/admin/job-runs").get_data(as_text=True)

    assert '<h1 class="govuk-heading-l">Job runs</h1>' in html
    assert re.search(r"send_outbox</th>\s*<td[^>]*>Every minute</td>", html)
    assert "Never run" in html and "No runs yet." in html


def test_runs_show_newest_first_with_failures_highlighted(admin_request, db_session):
    add_run(db_session, 0, summary="Sent 2, will retry 0, failed 0.")
    add_run(db_session, 1, status=JobRunStatus.FAILED, error="ValueError: invalid literal for int()")
    add_run(db_session, 2, status=JobRunStatus.RUNNING, finished_at=None)

    html = admin_request.get("/admin/job-runs").get_data(as_text=True)

    running, failed, succeeded = RUN_ROW.findall(html)
    assert "2026-03-02T12:02" in running and re.search(r"govuk-tag--blue\">\s*Running", running)
    assert re.search(r"govuk-tag--red\">\s*Failed", failed)
    assert "Error:</strong> ValueError: invalid literal for int()" in failed
    assert re.search(r"govuk-tag--green\">\s*Succeeded", succeeded) and "Sent 2, will retry 0" in succeeded
    assert "1 run below failed" in html  # a warning above the table
    assert re.search(r"send_outbox</th>.*?govuk-tag--blue\">\s*Running", html, re.S)  # the last run


def test_runs_can_be_filtered_by_job(admin_request, db_session):
    add_run(db_session, 0)
    add_run(db_session, 1, job_name="retired_job")

    all_jobs = admin_request.get("/admin/job-runs").get_data(as_text=True)
    one_job = admin_request.get("/admin/job-runs?job=send_outbox").get_data(as_text=True)

    assert len(RUN_ROW.findall(all_jobs)) == 2
    [row] = RUN_ROW.findall(one_job)
    assert "send_outbox" in row
    assert '<option value="send_outbox" selected>' in one_job


def test_an_unknown_job_is_an_error_on_the_filter(admin_request):
    html = admin_request.get("/admin/job-runs?job=nothing", expected_status=400).get_data(as_text=True)
    assert "Select a job from the list" in html


def test_alike_quiet_runs_of_a_minute_job_are_one_row_and_others_stay_apart(admin_request, db_session):
    def run(minute: int, summary: str, status=JobRunStatus.SUCCEEDED) -> None:
        started = datetime(2026, 3, 2, 12, minute, tzinfo=timezone.utc)
        db_session.add(
            JobRun(
                job_name="send_outbox",
                slot=f"2026-03-02T12:{minute:02d}",
                status=status,
                started_at=started,
                finished_at=started,
                summary=summary,
            )
        )

    for minute in range(0, 30):
        run(minute, "No emails due.")
    run(30, "Sent 2, will retry 0, failed 0.")
    for minute in range(31, 40):
        run(minute, "No emails due.")
    db_session.flush()

    html = admin_request.get("/admin/job-runs").get_data(as_text=True)
    rows = RUN_ROW.findall(html)
    assert len(rows) == 3
    assert "and 8 earlier runs with the same result" in rows[0] and "(back to 2026-03-02T12:31)" in rows[0]
    assert "Sent 2, will retry 0" in rows[1] and "earlier" not in rows[1]
    assert "and 29 earlier runs with the same result" in rows[2] and "(back to 2026-03-02T12:00)" in rows[2]
