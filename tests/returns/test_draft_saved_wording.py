"""A return's draft says who started it, and on which day, until someone saves it ("Started on …
by …"), then who last saved it ("Last saved … by …"): a draft nobody has saved was never "saved"."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from covenant_portal.audit.service import SYSTEM
from covenant_portal.filters import london_date, london_datetime
from covenant_portal.returns.models import QuarterlyReturn
from covenant_portal.returns.submission.corrections import start_correction
from tests.factories import create_user
from tests.returns.helpers import period_of, signed_organisation, submit_filled_return
from tests.returns.test_return_pages import save


@pytest.fixture
def signed(db_session):
    return signed_organisation(db_session, full_name="Asha Patel")


def the_lines(client_request, quarterly_return) -> tuple[str, str]:
    """What the task list and the returns list say of the draft's saving."""
    task_list = client_request.get_page("returns.task_list", return_id=quarterly_return.id)
    listed = client_request.get_page("returns.returns")
    row = next(row for row in listed.select("tbody tr") if "Continue the" in row.get_text())
    return task_list.select_one("#draft-saved").get_text(" ", strip=True), row.get_text(" ", strip=True)


def test_a_return_just_started_says_who_started_it_until_the_first_save(client_request, db_session, signed):
    period = period_of(db_session, 2026, 2)
    client_request.login(signed.user)
    client_request.post(
        "returns.start",
        {"start_from": "new"},
        form_url="/returns",
        expected_redirect="returns.task_list",
        period_id=period.id,
    )
    quarterly_return = db_session.scalar(select(QuarterlyReturn).where(QuarterlyReturn.period_id == period.id))
    started_on = london_date(quarterly_return.draft_updated_at)

    on_task_list, in_list = the_lines(client_request, quarterly_return)
    assert on_task_list == f"Started on {started_on} by Asha Patel."
    assert f"Started on {started_on} by Asha Patel" in in_list
    assert "Last saved" not in on_task_list + in_list

    colleague = create_user(db_session, organisation_id=signed.organisation.id, full_name="Ben Okafor")
    client_request.login(colleague)
    save(
        client_request,
        f"/returns/{quarterly_return.id}/pledges/4",
        {"status": "met", "narrative": "We told Wigan each week."},
        goes_to=f"/returns/{quarterly_return.id}/pledges/5",
    )
    db_session.refresh(quarterly_return)
    saved_at = london_datetime(quarterly_return.draft_updated_at)
    on_task_list, in_list = the_lines(client_request, quarterly_return)
    assert on_task_list == f"Last saved {saved_at} by Ben Okafor."
    assert f"Last saved {saved_at} by Ben Okafor" in in_list
    assert "Started on" not in on_task_list + in_list


def test_a_correction_just_started_says_who_started_it(client_request, db_session, signed):
    quarterly_return = submit_filled_return(db_session, signed, period_of(db_session)).quarterly_return
    start_correction(db_session, quarterly_return, signed.user, SYSTEM, datetime(2026, 8, 3, 9, 30, tzinfo=UTC))
    client_request.login(signed.user)
    on_task_list, in_list = the_lines(client_request, quarterly_return)
    assert on_task_list == "Started on 3 August 2026 by Asha Patel."
    assert "Started on 3 August 2026 by Asha Patel" in in_list
