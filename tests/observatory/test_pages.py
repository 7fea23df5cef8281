"""The observatory's pages: the public overview shows only suppressed figures; the LA and provider
pages show detail to those allowed; ratings are in words; charts have a title, summary and table."""

import re
from itertools import pairwise
from datetime import UTC, date, datetime, timedelta

import pytest

from covenant_portal.access import Role
from covenant_portal.concerns import service as concerns
from covenant_portal.concerns.models import Category, Severity, Side
from covenant_portal.concerns.service import ConcernDetails
from covenant_portal.db import utcnow
from covenant_portal.filters import LONDON
from covenant_portal.observatory import rag
from covenant_portal.observatory.measures import Quarter
from covenant_portal.observatory.pages import _share_summary
from covenant_portal.observatory.pledges import pledge_number
from covenant_portal.observatory.service import observatory
from covenant_portal.observatory.settings import ObservatorySettings
from covenant_portal.returns.calendar.routes import calendar_date
from covenant_portal.returns.models import ReturnPeriod
from tests.factories import create_provider, create_user, local_authority
from tests.observatory import scene as scene_module


@pytest.fixture
def scene(db_session):
    return scene_module.build(db_session)


def ratings_of(page, row_name: str) -> list[str]:
    """The rating (the row's last cell) of each table row headed `row_name`."""
    return [
        row.select("td")[-1].get_text(strip=True)
        for row in page.soup.select("main tr")
        if row.select_one("th") is not None
        and row.select_one("th").get_text(" ", strip=True) == row_name
        and row.select("td")
    ]


def counts_shown(page) -> list[str]:
    cells = [cell.get_text(" ", strip=True) for cell in page.soup.select(".app-count")]
    cells += [text.get_text(strip=True) for text in page.soup.select("svg text.app-chart__value")]
    return cells


def test_the_public_overview_shows_no_count_from_1_to_4(client_request, scene):
    page = client_request.get_page("observatory.overview")
    assert page.title == "Sufficiency observatory"
    shown = counts_shown(page)
    assert shown and "c" in shown
    assert not [value for value in shown if re.fullmatch(r"[1-4]", value)]
    assert page.soup.select_one("svg[role=img]") is not None
    assert "GM First partner level" in page or "Between thresholds" in page or "Below dialogue threshold" in page
    assert "style=" not in page.html.split("<main", 1)[1]


def test_the_home_page_links_to_the_observatory(client_request):
    page = client_request.get_page("pages.home")
    assert page.soup.select_one(f"a[href='{client_request.url_for('observatory.overview')}']") is not None


def test_an_la_contact_sees_their_own_la_in_detail_and_no_other(client_request, db_session, scene):
    contact = create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Bolton"))
    client_request.login(contact)
    page = client_request.get_page("observatory.local_authority", la_id=contact.local_authority_id)
    assert "Bolton" in page.title
    assert scene.p.organisation.name in page and scene.q.organisation.name in page
    assert "4" in counts_shown(page)  # detail: Q1 Bolton GM placed, unsuppressed
    assert "does not measure local authorities’ own pledges yet" in page or "own pledges" in page
    client_request.get("observatory.local_authority", la_id=local_authority(db_session, "Bury").id, expected_status=404)
    client_request.get(
        "observatory.provider", organisation_id=scene.r.organisation.id, expected_status=404
    )  # Wigan only
    provider = client_request.get_page("observatory.provider", organisation_id=scene.p.organisation.id)
    assert scene.a.name in provider and "No GM share" not in provider


def test_a_provider_with_nothing_occupied_has_no_share(client_request, db_session, scene):
    client_request.login(create_user(db_session, Role.ADMIN))
    page = client_request.get_page("observatory.provider", organisation_id=scene.q.organisation.id)
    cells = [cell.get_text(" ", strip=True) for cell in page.soup.select(".app-count")]
    assert "No GM share" in cells and "0%" not in cells
    assert "Missing" in page or "missing" in page


def test_a_provider_cannot_see_detail(client_request, scene):
    client_request.login(scene.p.user)
    client_request.get("observatory.provider", organisation_id=scene.p.organisation.id, expected_status=403)


def test_a_share_withheld_from_the_public_release_is_rated_not_published_not_missing(client_request, scene):
    page = client_request.get_page("observatory.overview")
    rows = [row for row in page.soup.select("tbody tr") if row.select_one(".govuk-tag")]
    withheld = [row for row in rows if row.select("td")[-2].get_text(strip=True) == "c"]
    assert withheld, "the scene has a host LA whose GM share is suppressed"
    assert {row.select_one(".govuk-tag").get_text(strip=True) for row in withheld} == {"Not published"}
    settings = ObservatorySettings.from_config({})
    assert rag.rate_share("c", settings) == rag.SUPPRESSED
    assert rag.rate_share("x", settings) == rag.MISSING == rag.rate_share("missing", settings)


def test_the_share_s_summary_leaves_out_a_quarter_whose_returns_are_still_coming_in():
    first, second, open_now = (Quarter(period, 2026, quarter) for period, quarter in ((1, 1), (2, 2), (3, 3)))
    assert _share_summary([first, second, open_now], [61, 70, 82], [first, second]) == (
        "The GM share went from 61% in Q1 2026 to 2027 to 70% in Q2 2026 to 2027. "
        "Returns for Q3 2026 to 2027 are still coming in: its figures will change."
    )
    assert _share_summary([first, second], [61, 70], [first, second]) == (
        "The GM share went from 61% in Q1 2026 to 2027 to 70% in Q2 2026 to 2027."
    )


def test_the_data_and_overview_pages_say_the_latest_quarter_s_returns_are_still_coming_in(
    client_request, db_session, scene
):
    today = utcnow().astimezone(LONDON).date()
    latest = observatory(db_session, ObservatorySettings(cache_seconds=0), today).latest
    assert latest is not None
    period = db_session.get(ReturnPeriod, latest.period_id)
    period.due_on = today + timedelta(days=10)  # the admin moved its due date on
    db_session.flush()
    said = f"Returns for {latest.label} are due by {calendar_date(period.due_on)} and still coming in, so its figures will change."
    data = client_request.get_page("observatory.data")
    assert said in data.text
    assert re.search(r"The files cover \d+ quarters, from Q\d \d{4} to \d{4} up to " + latest.label, data.text)
    overview = client_request.get_page("observatory.overview")
    assert said in overview.text
    marked = f"{latest.label} (returns still coming in)"
    # GM's and each host LA's share that quarter are not rated on part of the returns.
    assert ratings_of(overview, marked) == ["Not rated yet"]
    assert "Not rated yet" in ratings_of(overview, "Bolton")  # (its other row, in the placements table, has none)
    client_request.login(create_user(db_session, Role.ADMIN))
    bolton = local_authority(db_session, "Bolton").id
    la_page = client_request.get_page("observatory.local_authority", la_id=bolton)
    assert marked in la_page.text and "Not rated yet" in ratings_of(la_page, marked)
    provider = client_request.get_page("observatory.provider", organisation_id=scene.p.organisation.id)
    assert marked in provider.text
    assert "Not rated yet" not in ratings_of(provider, marked)  # its own return is signed: rated
    period.due_on = today - timedelta(days=1)
    db_session.flush()
    assert "still coming in" not in client_request.get_page("observatory.data").text
    overview = client_request.get_page("observatory.overview")
    assert "still coming in" not in overview.text and "Not rated yet" not in overview.text


def test_pledge_figures_and_targets_are_written_as_people_write_them():
    assert [pledge_number(value) for value in (0.0, 10.0, 2.5, 2.46, 100.0, 7, None)] == [
        "0",
        "10",
        "2.5",
        "2.5",
        "100",
        "7",
        "",
    ]


def test_an_la_page_counts_its_providers_in_words_that_agree(client_request, db_session, scene):
    client_request.login(create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Wigan")))
    page = client_request.get_page("observatory.local_authority", la_id=local_authority(db_session, "Wigan").id)
    assert "1 provider: GM share of each" in page.text and "1 providers" not in page.text
    tables = pledge_tables(page)
    figures = [cell for _caption, rows in tables for row in rows for cell in row[1:3]]
    assert figures and not [figure for figure in figures if figure.endswith(".0")]


def pledge_tables(page) -> list[tuple[str, list[list[str]]]]:
    """The LA page's pledge tables after its "own pledges" heading: the latest quarter's, then each
    measure's earlier quarters (inside a details component), as (caption, rows of cells)."""
    heading = page.soup.find("h2", string=re.compile("own pledges"))
    tables = []
    for table in heading.find_all_next("table"):
        rows = [[cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in table.select("tbody tr")]
        assert all(row.select_one("th[scope=row]") for row in table.select("tbody tr"))
        assert all(cell.get("scope") == "col" for cell in table.select("thead th"))
        tables.append((table.caption.get_text(" ", strip=True), rows))
    return tables


def test_the_share_of_concerns_resolved_in_time_is_named_in_words_and_shown_as_a_percentage(
    client_request, db_session, scene
):
    # A page label, not a published field (the stable key, figures.RESOLUTION, is what machines read).
    bolton = local_authority(db_session, "Bolton")
    contact = create_user(db_session, Role.LA_CONTACT, local_authority=bolton)
    logged = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)  # Q1 2026 to 2027
    details = ConcernDetails(
        about_side=Side.LOCAL_AUTHORITY,
        about_id=bolton.id,
        category=Category.REFERRAL_INFORMATION,
        severity=Severity.HIGH,
        event_on=date(2026, 5, 1),
        description="The referral left out the education plan.",
    )
    concern = concerns.raise_concern(db_session, scene.p.user, details, logged)
    concerns.acknowledge(db_session, concern, contact, logged + timedelta(days=1))
    concerns.propose_resolution(db_session, concern, contact, "Resent.", logged + timedelta(days=1))
    concerns.resolve(db_session, concern, scene.p.user, logged + timedelta(days=2))
    client_request.login(contact)
    page = client_request.get_page("observatory.local_authority", la_id=bolton.id)
    latest = observatory(db_session, ObservatorySettings(cache_seconds=0), utcnow().astimezone(LONDON).date()).quarters[
        -1
    ]
    assert latest.key > (2026, 1)  # so the concern's quarter is one of the earlier ones
    tables = pledge_tables(page)
    (caption, rows), earlier = tables[0], dict(tables[1:])
    assert caption == f"How Bolton kept its side of the covenant in {latest.label}, the latest quarter"
    name = "Share of concerns resolved within their deadline"
    assert len([row for row in rows if row[0] == name]) == 1  # one row a measure
    assert len(rows) == len(earlier)  # and a table of earlier quarters for each
    history = earlier[f"{name}: earlier quarters, newest first"]
    assert [row[0] for row in history] == sorted((row[0] for row in history), key=quarter_order, reverse=True)
    assert [row for row in history if row[0] == "Q1 2026 to 2027"] == [
        ["Q1 2026 to 2027", "100%", "100%", "Meeting the pledge"]
    ]
    (resolved,) = [row for row in rows if row[0] == name]
    expected_change = "No cases the quarter before"
    if latest.key == (2026, 2):
        expected_change = "No cases this quarter (100% the quarter before)"
    assert resolved == [name, "No cases", "100%", "No cases", expected_change]
    rows = rows + [row for history in earlier.values() for row in history]
    assert not [row for row in rows if "(%)" in " ".join(row)]


def quarter_order(label: str) -> tuple[int, int]:
    """ "Q1 2026 to 2027" as (2026, 1), to sort by."""
    quarter, year = re.match(r"Q(\d) (\d{4})", label).groups()
    return int(year), int(quarter)


def test_the_observatory_pages_headings_go_down_a_level_at_a_time(client_request, db_session, scene):
    # A chart's title comes straight after the page's heading: it is a level 2 heading, not 3.
    wigan = local_authority(db_session, "Wigan")
    client_request.login(create_user(db_session, Role.ADMIN))
    for endpoint, args in [
        ("observatory.overview", {}),
        ("observatory.local_authority", {"la_id": wigan.id}),
        ("observatory.provider", {"organisation_id": scene.r.organisation.id}),
    ]:
        page = client_request.get_page(endpoint, **args)
        levels = [int(heading.name[1]) for heading in page.soup.select("main h1, main h2, main h3, main h4")]
        assert levels[0] == 1 and levels.count(1) == 1, endpoint
        assert all(after <= before + 1 for before, after in pairwise(levels)), (endpoint, levels)
        assert page.soup.select_one("main figure.app-chart h2") is not None, endpoint


def test_a_provider_with_no_signed_return_is_told_so_beside_its_chart(client_request, db_session, scene):
    unsigned = create_provider(db_session)
    client_request.login(create_user(db_session, Role.ADMIN))
    summary = client_request.get_page("observatory.provider", organisation_id=unsigned.id).soup.select_one(
        "#provider-share-summary"
    )
    assert summary.get_text(strip=True).endswith("This provider has no signed return in any of these quarters.")
    signed = client_request.get_page("observatory.provider", organisation_id=scene.r.organisation.id)
    assert "no signed return in any" not in signed.soup.select_one("#provider-share-summary").get_text()
