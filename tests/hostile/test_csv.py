"""Issue 11, point 11, for CSV files: whatever a person typed that a CSV file shows (an
organisation's name, typed at sign-up) never starts a cell a spreadsheet would run as a formula.
Every CSV route of the app is listed here, so a new one fails until it is checked."""

import csv
import io

import pytest
import sqlalchemy as sa

from covenant_portal.accounts.models import ProviderOrganisation
from tests.hostile.conftest import browser_for
from tests.hostile.corpus import FORMULAS, unguarded_cells

# Each CSV route: who downloads it and from where (formatted with the world as `w`).
CSV_FILES = {
    "covenant.signatories_csv": ("anonymous", "/signatories.csv"),
    "compliance.table_csv": ("admin", "/la/returns.csv?period={w.signed_return.period_id}"),
}
# CSV files that show no organisation's name, checked with what they do show typed by a person:
# tests/expansions/test_pages.py (a needs statement's notes) and test_reports.py.
CHECKED_ELSEWHERE = {
    "expansion_needs.needs_csv",
    "expansion_reports.proposals_csv",
    "expansion_reports.times_csv",
}
# CSV routes that show nothing anyone typed (the observatory's open data names no provider): each is
# checked to leave out the hostile name and to start no cell as a formula.
CSV_FILES_OF_NO_TYPED_TEXT = {
    "observatory.data_file": ("anonymous", "/observatory/data/gm-care-capacity-by-host-la.csv"),
    "observatory.data_meta": ("anonymous", "/observatory/data/gm-care-capacity-by-host-la.meta.csv"),
    "concerns.overview_csv": ("officer", "/concerns/overview.csv"),
}


def test_every_csv_route_is_checked(hostile_app):
    served = {rule.endpoint for rule in hostile_app.url_map.iter_rules() if rule.rule.endswith(".csv")}
    assert served == set(CSV_FILES) | CHECKED_ELSEWHERE | set(CSV_FILES_OF_NO_TYPED_TEXT)


@pytest.mark.parametrize("endpoint", sorted(CSV_FILES_OF_NO_TYPED_TEXT))
def test_a_csv_file_of_no_typed_text_shows_none(hostile, endpoint):
    persona, url = CSV_FILES_OF_NO_TYPED_TEXT[endpoint]
    organisation_id = hostile.world.provider.organisation_id
    name = FORMULAS[sorted(FORMULAS)[0]]
    hostile.session.execute(
        sa.update(ProviderOrganisation).where(ProviderOrganisation.id == organisation_id).values(name=name)
    )
    hostile.session.flush()
    response = browser_for(hostile, persona).client.get(url.format(w=hostile.world))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert name not in text and unguarded_cells(text) == []


@pytest.mark.parametrize("formula", sorted(FORMULAS))
@pytest.mark.parametrize("endpoint", sorted(CSV_FILES))
def test_no_cell_of_a_csv_file_runs_as_a_formula(hostile, endpoint, formula):
    persona, url = CSV_FILES[endpoint]
    organisation_id = hostile.world.provider.organisation_id
    hostile.session.execute(
        sa.update(ProviderOrganisation).where(ProviderOrganisation.id == organisation_id).values(name=FORMULAS[formula])
    )
    hostile.session.flush()
    response = browser_for(hostile, persona).client.get(url.format(w=hostile.world))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + FORMULAS[formula] in cells  # the name is in the file, as plain text
    assert unguarded_cells(text) == []
