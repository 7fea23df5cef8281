"""The open data against the EES column rules, and disclosure control on every file and public page."""

import csv
import io
import re

import pytest

from covenant_portal.observatory.opendata import FILES, META_HEADER, TIME_AND_GEOGRAPHY
from tests.observatory import scene as scene_module

TIME_IDENTIFIERS = {f"Financial year Q{n}" for n in range(1, 5)}
GEOGRAPHIC_LEVELS = {"National", "Regional", "Local authority", "English devolved area"}
SYMBOLS = {"c", "x", "z"}


@pytest.fixture
def scene(db_session):
    return scene_module.build(db_session)


def rows_of(response) -> list[dict[str, str]]:
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def check_ees(rows: list[dict[str, str]], meta: list[dict[str, str]]) -> None:
    assert rows, "a data file with no rows"
    columns = list(rows[0])
    assert columns[: len(TIME_AND_GEOGRAPHY)] == TIME_AND_GEOGRAPHY
    described = {entry["col_name"]: entry for entry in meta}
    assert set(columns[len(TIME_AND_GEOGRAPHY) :]) == set(described), "every filter and indicator, and only them"
    assert all(len(name) <= 50 and re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in columns)
    for row in rows:
        assert re.fullmatch(r"\d{6}", row["time_period"])
        assert int(row["time_period"][4:]) == (int(row["time_period"][:4]) + 1) % 100
        assert row["time_identifier"] in TIME_IDENTIFIERS
        assert row["geographic_level"] in GEOGRAPHIC_LEVELS
        assert (row["country_code"], row["country_name"]) == ("E92000001", "England")
        if row["geographic_level"] == "Local authority":
            assert re.fullmatch(r"E0[6-9]\d{6}|E10\d{6}", row["new_la_code"])
            assert re.fullmatch(r"\d{3}", row["old_la_code"])
            assert row["la_name"]
            assert (row["region_code"], row["region_name"]) == ("E12000002", "North West")
        elif row["geographic_level"] == "English devolved area":
            assert row["english_devolved_area_code"] == "E47000001" and row["english_devolved_area_name"]
            assert not row["new_la_code"] and not row["la_name"]
        for name, entry in described.items():
            value = row[name]
            if entry["col_type"] == "Indicator":
                assert value in SYMBOLS or re.fullmatch(r"\d+", value), (name, value)
                assert not (value.isdigit() and 1 <= int(value) <= 4 and entry["indicator_unit"] != "%"), (name, row)
            else:
                assert value, f"filter {name} blank"


def test_every_file_follows_the_ees_rules(client_request, scene):
    page = client_request.get_page("observatory.data")
    for name, data_file in FILES.items():
        assert data_file.title in page
        meta = rows_of(client_request.get("observatory.data_meta", name=name))
        assert list(meta[0]) == META_HEADER
        assert {entry["col_type"] for entry in meta} <= {"Filter", "Indicator"}
        rows = rows_of(client_request.get("observatory.data_file", name=name))
        check_ees(rows, meta)


def test_the_matrix_is_complete_and_missing_is_x(client_request, scene):
    rows = rows_of(client_request.get("observatory.data_file", name="gm-care-capacity-by-host-la"))
    quarters = {(row["time_period"], row["time_identifier"]) for row in rows}
    places = {row["la_name"] or row["english_devolved_area_name"] for row in rows}
    assert len(rows) == len(quarters) * len(places) and len(places) == 11  # ten GM LAs and GM
    q1 = {
        row["la_name"]: row
        for row in rows
        if row["time_period"] == "202627" and row["time_identifier"] == "Financial year Q1"
    }
    assert q1["Manchester"]["registered_places"] == "x"  # hosts no home: not available, not 0
    # Registered places: Bolton 9, Bury 4 (c), Wigan 5, GM 18. GM minus the others would give Bury
    # away, so the smallest other count in that sum, Wigan's 5, is suppressed too.
    assert [q1[name]["registered_places"] for name in ("Bolton", "Bury", "Wigan", "")] == ["9", "c", "c", "18"]
    assert q1["Bury"]["vacant_places"] == "0"  # a true zero
    assert q1["Bolton"]["gm_placed"] == "c"  # 4


def test_no_provider_is_named(client_request, scene):
    for name in FILES:
        text = client_request.get("observatory.data_file", name=name).get_data(as_text=True)
        for organisation in (scene.p, scene.q, scene.r):
            assert organisation.organisation.name not in text
