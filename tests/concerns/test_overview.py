"""Issue 13, point 9: the officers' overview of concerns per quarter and stage, and its CSV."""

import csv
import io
from datetime import timedelta

import pytest

from covenant_portal.concerns import service
from tests.concerns.helpers import LOGGED_AT, about_la, make_parties


@pytest.fixture
def parties(db_session):
    return make_parties(db_session)


def test_counts_and_median_working_days_per_stage_per_quarter(client_request, db_session, parties):
    # Logged on Monday 2 March 2026 (Q4 2025 to 2026): one acknowledged on Wednesday (2 working
    # days), one on the next Monday (5), one not yet.
    for days in (2, 7, None):
        concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
        if days is not None:
            service.acknowledge(db_session, concern, parties.la_contact, LOGGED_AT + timedelta(days=days))
    client_request.login(parties.officer)
    page = client_request.get_page("concerns.overview_page")
    assert "Q4 2025 to 2026" in page.text
    response = client_request.get("concerns.overview_csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    logged = next(row for row in rows if row["stage"] == "logged")
    assert logged == {
        "financial_year": "2025-26",
        "quarter": "4",
        "stage": "logged",
        "concerns_in_stage_now": "1",
        "concerns_moved_on": "2",
        "median_working_days_in_stage": "3.5",
    }
    acknowledged = next(row for row in rows if row["stage"] == "acknowledged")
    assert acknowledged["concerns_in_stage_now"] == "2" and acknowledged["median_working_days_in_stage"] == ""


def test_only_officers_see_the_overview(client_request, parties):
    client_request.login(parties.provider)
    client_request.get("concerns.overview_page", expected_status=403)
    client_request.get("concerns.overview_csv", expected_status=403)
