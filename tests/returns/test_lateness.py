"""A return signed after its due date is "Submitted late (N days)" in every view of it: the
provider's list of returns and its signed version's page (the receipt page), the LA's list, its CSV
and its detail page. One rule (status.days_late): London days from the due date to the first
signature; a correction signed later does not make a return on time late, nor a late one later."""

import csv
import io
from datetime import UTC, datetime, time, timedelta

import pytest

from covenant_portal.access import Role
from covenant_portal.filters import LONDON
from covenant_portal.returns.models import PledgeStatus
from covenant_portal.returns.status import ReturnState, days_late, late_label, state_label
from tests.factories import create_user, local_authority
from tests.returns.helpers import period_of, sign_again, signed_organisation, submit_filled_return

LATE = "Submitted late (3 days)"


def london(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def test_days_late_counts_london_days_after_the_due_date(db_session):
    period = period_of(db_session)
    due = period.due_on
    assert days_late(period, None) is None
    assert days_late(period, london(due, 23, 59)) is None  # on the due date: on time
    assert days_late(period, london(due - timedelta(days=5), 9)) is None
    assert days_late(period, london(due + timedelta(days=1), 0, 30)) == 1  # still the due date in UTC
    assert days_late(period, london(due + timedelta(days=3), 10)) == 3
    assert late_label(1) == "Submitted late (1 day)" and late_label(3) == LATE
    assert state_label(ReturnState.SUBMITTED, 3) == LATE
    assert state_label(ReturnState.SUBMITTED, None) == "Submitted"
    assert state_label(ReturnState.OVERDUE, 3) == "Overdue"


@pytest.fixture
def late_return(db_session):
    """A return of Q1 2026 to 2027 signed 3 days after its due date, then corrected 10 days later."""
    signed = signed_organisation(db_session)
    period = period_of(db_session)
    first = submit_filled_return(db_session, signed, period, now=london(period.due_on + timedelta(days=3), 10))
    sign_again(
        db_session,
        signed,
        first.quarterly_return,
        {1: PledgeStatus.PARTLY_MET},
        now=first.signed_at + timedelta(days=10),
    )
    return signed, first.quarterly_return


def test_the_provider_sees_its_return_submitted_late(client_request, db_session, late_return):
    signed, quarterly_return = late_return
    client_request.login(signed.user)
    returns = client_request.get_page("returns.returns")
    (row,) = [row for row in returns.select("#returns tbody tr") if quarterly_return.period.label in row.get_text()]
    assert LATE in row.get_text()
    for version in (1, 2):  # each signed version's page (the receipt page) says so
        page = client_request.get_page("returns.submission", return_id=quarterly_return.id, version=version)
        assert page.select_one("#lateness").get_text(strip=True) == LATE


def test_the_la_sees_it_submitted_late_in_its_list_csv_and_detail(client_request, db_session, late_return):
    _signed, quarterly_return = late_return
    client_request.login(
        create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Bolton"))
    )
    period = quarterly_return.period
    table = client_request.get_page(f"/la/returns?period={period.id}")
    (row,) = [row for row in table.select("tbody tr") if quarterly_return.organisation.name in row.get_text()]
    assert LATE in row.get_text()
    rows = list(
        csv.reader(io.StringIO(client_request.get(f"/la/returns.csv?period={period.id}").get_data(as_text=True)))
    )
    state = rows[0].index("State")
    assert [r[state] for r in rows[1:] if r[0] == quarterly_return.organisation.name] == [LATE]
    detail = client_request.get_page("compliance.detail", return_id=quarterly_return.id)
    assert LATE in detail.main.get_text()
    submission = client_request.get_page("returns.submission", return_id=quarterly_return.id, version=2)
    assert submission.select_one("#lateness").get_text(strip=True) == LATE


def test_a_return_signed_on_time_is_just_submitted(client_request, db_session):
    signed = signed_organisation(db_session)
    period = period_of(db_session)
    submitted = submit_filled_return(db_session, signed, period, now=london(period.due_on, 16))
    client_request.login(signed.user)
    returns = client_request.get_page("returns.returns")
    assert "Submitted late" not in returns.main.get_text() and "Submitted" in returns.main.get_text()
    page = client_request.get_page("returns.submission", return_id=submitted.return_id, version=1)
    assert not page.select("#lateness")
