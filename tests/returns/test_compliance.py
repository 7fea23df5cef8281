"""The LA view of quarterly returns: who sees which returns, the RAG compliance table and its CSV,
a return's detail and history, the overview for admins and escalation officers, and the dashboards."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import event

from covenant_portal.accounts.models import LocalAuthority, User
from covenant_portal.access import Role
from covenant_portal.returns.compliance import service as compliance
from covenant_portal.returns.compliance import routes as compliance_routes
from covenant_portal.returns.models import (
    QuarterlyReturn,
    PledgeStatus,
    ReminderStage,
    ReturnPeriod,
    ReturnReminder,
)
from covenant_portal.returns.status import ReturnState
from covenant_portal.homes.models import HomeStatus
from tests.returns.helpers import (
    SignedOrganisation,
    create_return,
    filled_draft,
    period_of,
    sign_again,
    signed_organisation,
    submit_filled_return,
)
from tests.factories import create_user, local_authority
from tests.homes.homes import create_home

BEFORE_DUE = date(2026, 7, 10)  # Q1 2026 to 2027 opened on 1 July 2026 and is due at the end of July
AFTER_DUE = date(2026, 8, 20)
SIGNED_RETURN_AT = datetime(2026, 7, 6, 9, 30, tzinfo=UTC)
CORRECTED_AT = datetime(2026, 7, 8, 14, 0, tzinfo=UTC)
MIXED = {
    1: PledgeStatus.MET,
    2: PledgeStatus.PARTLY_MET,
    3: PledgeStatus.NOT_MET,
    4: PledgeStatus.NOT_APPLICABLE,
}


@dataclass
class Scene:
    period: ReturnPeriod
    bolton: LocalAuthority
    wigan: LocalAuthority
    bolton_contact: User
    wigan_contact: User
    hosted: SignedOrganisation  # homes in Bolton; signed, then corrected (version 2)
    placing: SignedOrganisation  # homes in Wigan only; its return has children placed by Bolton
    unrelated: SignedOrganisation  # homes in Wigan only; children placed by Wigan
    drafting: SignedOrganisation  # homes in Bolton; a draft saved
    closed_home: SignedOrganisation  # its only Bolton home is closed; nothing started
    hosted_return: QuarterlyReturn
    placing_return: QuarterlyReturn
    unrelated_return: QuarterlyReturn
    drafting_return: QuarterlyReturn


def in_wigan(session, name: str, **overrides) -> SignedOrganisation:
    signed = signed_organisation(session, homes=0, **overrides)
    signed.organisation.name = name
    signed.homes = [create_home(session, signed.organisation, host_local_authority=local_authority(session, "Wigan"))]
    session.flush()
    return signed


def named(signed: SignedOrganisation, name: str) -> SignedOrganisation:
    signed.organisation.name = name
    return signed


@pytest.fixture
def scene(db_session) -> Scene:
    session = db_session
    bolton, wigan = local_authority(session, "Bolton"), local_authority(session, "Wigan")
    period = period_of(session)
    hosted = named(signed_organisation(session), "Alder Homes Ltd")
    first = submit_filled_return(session, hosted, period, statuses=MIXED, now=SIGNED_RETURN_AT)
    # The correction (version 2) now says pledge 3 was partly met: the table shows the latest version.
    sign_again(session, hosted, first.quarterly_return, {3: PledgeStatus.PARTLY_MET}, now=CORRECTED_AT)
    placing = in_wigan(session, "Beech Care CIC")
    placing_submission = submit_filled_return(
        session,
        placing,
        period,
        statuses={1: PledgeStatus.NOT_MET},
        now=SIGNED_RETURN_AT,
        placed_in_each_home={bolton.ons_code: 2},
    )
    unrelated = in_wigan(session, "Cedar Fostering")
    unrelated_submission = submit_filled_return(
        session, unrelated, period, now=SIGNED_RETURN_AT, placed_in_each_home={wigan.ons_code: 1}
    )
    drafting = named(signed_organisation(session, homes=1), "Damson House Ltd")
    drafting_return = create_return(
        session, drafting.organisation, period, filled_draft(session, drafting.homes), drafting.user
    )
    closed_home = named(signed_organisation(session, homes=1), "Elm Lodge Ltd")
    closed_home.homes[0].status = HomeStatus.CLOSED
    # Signed the covenant after the quarter started: owes no return for it, so is not listed.
    named(signed_organisation(session, signed_at=datetime(2026, 5, 1, tzinfo=UTC)), "Fir Tree Homes")
    session.flush()
    return Scene(
        period=period,
        bolton=bolton,
        wigan=wigan,
        bolton_contact=create_user(session, Role.LA_CONTACT, local_authority=bolton),
        wigan_contact=create_user(session, Role.LA_CONTACT, local_authority=wigan),
        hosted=hosted,
        placing=placing,
        unrelated=unrelated,
        drafting=drafting,
        closed_home=closed_home,
        hosted_return=first.quarterly_return,
        placing_return=placing_submission.quarterly_return,
        unrelated_return=unrelated_submission.quarterly_return,
        drafting_return=drafting_return,
    )


def names(table: compliance.ComplianceTable) -> list[str]:
    return [row.organisation_name for row in table.rows]


# Who sees what


def test_an_la_contact_sees_providers_hosted_in_or_placing_for_their_la(db_session, scene):
    table = compliance.compliance_table(
        db_session, scene.period, BEFORE_DUE, compliance.scope_for(scene.bolton_contact)
    )
    assert names(table) == ["Alder Homes Ltd", "Beech Care CIC", "Damson House Ltd", "Elm Lodge Ltd"]
    wigan = compliance.compliance_table(db_session, scene.period, BEFORE_DUE, compliance.scope_for(scene.wigan_contact))
    assert names(wigan) == ["Beech Care CIC", "Cedar Fostering"]


def test_overseers_see_every_provider_that_owes_a_return(db_session, scene):
    for role in (Role.ESCALATION_OFFICER, Role.ADMIN):
        table = compliance.compliance_table(
            db_session, scene.period, BEFORE_DUE, compliance.scope_for(create_user(db_session, role))
        )
        assert names(table) == [
            "Alder Homes Ltd",
            "Beech Care CIC",
            "Cedar Fostering",
            "Damson House Ltd",
            "Elm Lodge Ltd",
        ]


def test_only_the_latest_signed_return_decides_whose_children_a_provider_cares_for(db_session, scene):
    bolton = compliance.scope_for(scene.bolton_contact)
    assert compliance.may_see_organisation(db_session, scene.bolton_contact, scene.placing.organisation.id)
    # Next quarter Beech Care reports no Bolton children: Bolton no longer sees its returns.
    next_period = period_of(db_session, 2026, 2)
    submit_filled_return(
        db_session,
        scene.placing,
        next_period,
        now=datetime(2026, 10, 5, tzinfo=UTC),
        placed_in_each_home={scene.wigan.ons_code: 1},
    )
    assert not compliance.may_see_organisation(db_session, scene.bolton_contact, scene.placing.organisation.id)
    assert "Beech Care CIC" not in names(compliance.compliance_table(db_session, scene.period, BEFORE_DUE, bolton))
    assert compliance.return_for_viewer(db_session, scene.bolton_contact, scene.placing_return.id) is None


def test_return_for_viewer(db_session, scene):
    hosted, unrelated = scene.hosted_return.id, scene.unrelated_return.id
    see = compliance.return_for_viewer
    assert see(db_session, scene.hosted.user, hosted) is scene.hosted_return
    assert see(db_session, scene.hosted.colleague(db_session), hosted) is scene.hosted_return
    assert see(db_session, scene.unrelated.user, hosted) is None
    assert see(db_session, scene.bolton_contact, hosted) is scene.hosted_return
    assert see(db_session, scene.bolton_contact, scene.placing_return.id) is scene.placing_return
    assert see(db_session, scene.bolton_contact, unrelated) is None
    assert see(db_session, scene.wigan_contact, hosted) is None
    assert see(db_session, scene.wigan_contact, unrelated) is scene.unrelated_return
    for role in (Role.ESCALATION_OFFICER, Role.ADMIN):
        assert see(db_session, create_user(db_session, role), unrelated) is scene.unrelated_return
    assert see(db_session, create_user(db_session, Role.ADMIN), 2_000_000_000) is None


# The table


def test_the_table_shows_each_providers_state_and_latest_signed_answers(db_session, scene):
    table = compliance.compliance_table(
        db_session, scene.period, BEFORE_DUE, compliance.scope_for(scene.bolton_contact)
    )
    rows = {row.organisation_name: row for row in table.rows}
    alder = rows["Alder Homes Ltd"]
    assert alder.state == ReturnState.SUBMITTED
    assert (alder.version, alder.submitted_at, alder.return_id) == (2, CORRECTED_AT, scene.hosted_return.id)
    assert alder.answers == {
        1: PledgeStatus.MET,
        2: PledgeStatus.PARTLY_MET,
        3: PledgeStatus.PARTLY_MET,
        4: PledgeStatus.NOT_APPLICABLE,
        **{n: PledgeStatus.PARTLY_MET for n in range(5, 12)},
    }
    assert rows["Beech Care CIC"].answer(1) == PledgeStatus.NOT_MET
    assert rows["Damson House Ltd"].state == ReturnState.DRAFT
    assert (rows["Damson House Ltd"].version, rows["Damson House Ltd"].answers) == (None, {})
    assert rows["Damson House Ltd"].return_id == scene.drafting_return.id
    assert rows["Elm Lodge Ltd"].state == ReturnState.NOT_STARTED
    assert rows["Elm Lodge Ltd"].return_id is None
    assert table.counts == {
        ReturnState.SUBMITTED: 2,
        ReturnState.DRAFT: 1,
        ReturnState.NOT_STARTED: 1,
        ReturnState.OVERDUE: 0,
        ReturnState.ESCALATED: 0,
    }


def test_the_table_filters_by_state_and_counts_every_state(db_session, scene):
    db_session.add(
        ReturnReminder(
            organisation_id=scene.closed_home.organisation.id,
            period_id=scene.period.id,
            stage=ReminderStage.ESCALATED,
            sent_on=AFTER_DUE,
        )
    )
    db_session.flush()
    bolton = compliance.scope_for(scene.bolton_contact)
    overdue = compliance.compliance_table(db_session, scene.period, AFTER_DUE, bolton, ReturnState.OVERDUE)
    assert names(overdue) == ["Damson House Ltd"]
    escalated = compliance.compliance_table(db_session, scene.period, AFTER_DUE, bolton, ReturnState.ESCALATED)
    assert names(escalated) == ["Elm Lodge Ltd"]
    assert escalated.counts == {
        ReturnState.SUBMITTED: 2,
        ReturnState.DRAFT: 0,
        ReturnState.NOT_STARTED: 0,
        ReturnState.OVERDUE: 1,
        ReturnState.ESCALATED: 1,
    }
    assert escalated.total == 4
    assert compliance.compliance_table(db_session, scene.period, AFTER_DUE, bolton, ReturnState.DRAFT).rows == []


def test_the_table_pages(db_session, scene):
    bolton = compliance.scope_for(scene.bolton_contact)
    second = compliance.compliance_table(db_session, scene.period, BEFORE_DUE, bolton, page=2, per_page=3)
    assert names(second) == ["Elm Lodge Ltd"]
    assert (second.matching, second.page, second.pages, second.first, second.total) == (4, 2, 2, 4, 4)
    first = compliance.compliance_table(db_session, scene.period, BEFORE_DUE, bolton, page=1, per_page=3)
    assert names(first) == ["Alder Homes Ltd", "Beech Care CIC", "Damson House Ltd"]
    assert first.rows[0].answer(3) == PledgeStatus.PARTLY_MET
    for page in (0, 3):
        with pytest.raises(compliance.NoSuchPage):
            compliance.compliance_table(db_session, scene.period, BEFORE_DUE, bolton, page=page, per_page=3)


def test_the_table_takes_the_same_few_queries_however_many_providers(db_session, scene):
    bolton = compliance.scope_for(scene.bolton_contact)

    def queries_for_table() -> int:
        statements = []
        connection = db_session.connection()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(connection, "before_cursor_execute", listener)
        try:
            table = compliance.compliance_table(db_session, scene.period, BEFORE_DUE, bolton)
        finally:
            event.remove(connection, "before_cursor_execute", listener)
        return len(statements), len(table.rows)

    before, rows_before = queries_for_table()
    for n in range(3):
        submit_filled_return(
            db_session, named(signed_organisation(db_session), f"More Homes {n}"), scene.period, now=SIGNED_RETURN_AT
        )
    after, rows_after = queries_for_table()
    assert rows_after == rows_before + 3
    assert after == before <= 8


# Pages


class TableRows(HTMLParser):
    """The text of each cell of each body row of the page's tables."""

    def __init__(self, html: str):
        super().__init__()
        self.rows, self._row, self._cell, self._in_body = [], None, None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_the_la_table_page_shows_rag_ratings_in_words(client_request, scene):
    client_request.login(scene.bolton_contact)
    html = client_request.get(f"/la/returns?period={scene.period.id}").get_data(as_text=True)
    rows = {row[0]: row for row in TableRows(html).rows}
    # Today is long after the due date: unsigned returns are overdue.
    assert rows["Alder Homes Ltd"][:6] == [
        "Alder Homes Ltd",
        "Submitted",
        "Met",
        "Partly met",
        "Partly met",
        "Not applicable",
    ]
    assert rows["Alder Homes Ltd"][-2:] == ["8 July 2026", "2"]
    assert rows["Damson House Ltd"][1:3] == ["Overdue", "Not signed yet"]
    assert "Cedar Fostering" not in rows
    assert '<strong class="govuk-tag app-rag--green">Met</strong>' in html
    assert '<strong class="govuk-tag app-rag--amber">Partly met</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--grey">Not applicable</strong>' in html
    assert f'href="/la/returns/{scene.hosted_return.id}"' in html
    assert f'href="/la/returns/{scene.drafting_return.id}"' not in html  # nothing signed to show


def test_the_table_page_filters_with_a_get_form(client_request, scene):
    client_request.login(scene.bolton_contact)
    html = client_request.get(f"/la/returns?period={scene.period.id}&state=overdue").get_data(as_text=True)
    assert '<form method="get" action="/la/returns"' in html
    assert [row[0] for row in TableRows(html).rows] == ["Damson House Ltd", "Elm Lodge Ltd"]
    assert '<option value="overdue" selected>Overdue</option>' in html
    assert client_request.get(f"/la/returns?period={scene.period.id}&state=escalated").status_code == 200
    client_request.get("/la/returns?period=2000000000", expected_status=404)
    # Any state that is not known shows every state.
    html = client_request.get(f"/la/returns?period={scene.period.id}&state=nonsense").get_data(as_text=True)
    assert len(TableRows(html).rows) == 4


def test_the_table_page_has_pages_of_providers(client_request, monkeypatch, scene):
    monkeypatch.setattr(compliance_routes, "PER_PAGE", 3)
    client_request.login(scene.bolton_contact)
    html = client_request.get(f"/la/returns?period={scene.period.id}&page=2").get_data(as_text=True)
    assert [row[0] for row in TableRows(html).rows] == ["Elm Lodge Ltd"]
    assert "4 providers, 4 to 4 shown" in html
    assert f'href="/la/returns?period={scene.period.id}&amp;page=1"' in html
    for page in ("3", "0", "x"):
        client_request.get(f"/la/returns?period={scene.period.id}&page={page}", expected_status=404)
    # The CSV has every row.
    assert len(client_request.get(f"/la/returns.csv?period={scene.period.id}").get_data(as_text=True).splitlines()) == 5


def test_the_table_defaults_to_the_newest_open_period(client_request, db_session, scene):
    period_of(db_session, 2026, 2)  # opened on 1 October 2026; nobody has signed it yet
    client_request.login(scene.bolton_contact)
    html = client_request.get("/la/returns").get_data(as_text=True)
    assert '<h2 class="govuk-heading-m">Q2 2026 to 2027 (July to September 2026)</h2>' in html
    assert [row[:3] for row in TableRows(html).rows][0] == ["Alder Homes Ltd", "Overdue", "Not signed yet"]


def test_the_csv_export(client_request, db_session, scene):
    scene.drafting.organisation.name = '=HYPERLINK("http://evil.example")'
    db_session.flush()
    client_request.login(scene.bolton_contact)
    response = client_request.get(f"/la/returns.csv?period={scene.period.id}")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="gm-first-returns-2026-q1.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "Organisation",
        "Period",
        "State",
        *(f"Pledge {n}" for n in range(1, 12)),
        "Submitted on",
        "Version",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Alder Homes Ltd"] == [
        "Alder Homes Ltd",
        "Q1 2026 to 2027",
        "Submitted",
        "Met",
        "Partly met",
        "Partly met",
        "Not applicable",
        *["Partly met"] * 7,
        "2026-07-08",
        "2",
    ]
    assert by_name['\'=HYPERLINK("http://evil.example")'][2:4] == ["Overdue", ""]
    assert set(by_name) == {"Alder Homes Ltd", "Beech Care CIC", '\'=HYPERLINK("http://evil.example")', "Elm Lodge Ltd"}
    filtered = client_request.get(f"/la/returns.csv?period={scene.period.id}&state=submitted")
    assert filtered.headers["Content-Disposition"] == 'attachment; filename="gm-first-returns-2026-q1-submitted.csv"'
    assert [row[0] for row in csv.reader(io.StringIO(filtered.get_data(as_text=True)))][1:] == [
        "Alder Homes Ltd",
        "Beech Care CIC",
    ]


def test_no_formula_guards_every_formula_start():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "|x"):
        assert compliance.no_formula(text) == "'" + text
    assert compliance.no_formula("Alder Homes") == "Alder Homes"


def test_the_detail_page_shows_the_latest_version_and_the_history(client_request, scene):
    client_request.login(scene.bolton_contact)
    html = client_request.get(f"/la/returns/{scene.hosted_return.id}").get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Alder Homes Ltd</h1>' in html
    assert "2 (corrects version 1)" in html
    rows = TableRows(html).rows
    pledge_rows = [row for row in rows if row[0].startswith("Pledge 3")]
    assert pledge_rows[0][1:] == ["Partly met", "How we kept pledge 3."]
    assert ["Version 2 (latest)", "8 July 2026 at 3:00pm", f"{scene.hosted.user.full_name}, Director"] in [
        [" ".join(cell.split()) for cell in row] for row in rows
    ]
    assert any(row[0] == "Version 1" for row in rows)
    assert any(row[0].startswith(scene.hosted.homes[0].name) and row[1] == "Bolton: 1" for row in rows)
    assert any(row[0] == "Priya Shah" for row in rows)  # the named contact the return was signed with


def test_the_detail_page_of_a_return_not_signed_shows_no_draft(client_request, scene):
    client_request.login(scene.bolton_contact)
    html = client_request.get(f"/la/returns/{scene.drafting_return.id}").get_data(as_text=True)
    assert "has not signed its return for Q1 2026 to 2027 yet" in html
    assert "How we kept pledge" not in html


def test_another_las_unrelated_provider_is_not_found(client_request, scene):
    client_request.login(scene.bolton_contact)
    client_request.get(f"/la/returns/{scene.unrelated_return.id}", expected_status=404)
    client_request.get("/la/returns/2000000000", expected_status=404)


def test_overseers_see_any_return(client_request, db_session, scene):
    client_request.login(create_user(db_session, Role.ESCALATION_OFFICER))
    client_request.get(f"/la/returns/{scene.unrelated_return.id}")
    html = client_request.get(f"/la/returns?period={scene.period.id}").get_data(as_text=True)
    assert "Cedar Fostering" in html


# The overview


def test_the_overview_counts_each_state_per_period(db_session, scene):
    db_session.add(
        ReturnReminder(
            organisation_id=scene.closed_home.organisation.id,
            period_id=scene.period.id,
            stage=ReminderStage.ESCALATED,
            sent_on=AFTER_DUE,
        )
    )
    db_session.flush()
    period_of(db_session, 2026, 2)  # the calendar now holds Q4 2025 to 2026 up to Q3 2026 to 2027
    rows = compliance.overview(db_session, AFTER_DUE)
    assert [row.period.label for row in rows] == ["Q1 2026 to 2027", "Q4 2025 to 2026"]  # those open
    q1, q4 = rows
    # Alder and Beech and Cedar signed, Damson's draft is overdue, Elm Lodge's return escalated;
    # Fir Tree signed the covenant after the quarter started and owes none.
    assert q1.counts == {
        ReturnState.SUBMITTED: 3,
        ReturnState.DRAFT: 0,
        ReturnState.NOT_STARTED: 0,
        ReturnState.OVERDUE: 1,
        ReturnState.ESCALATED: 1,
    }
    assert q1.due == 5
    assert q4.due == 0  # everyone signed the covenant during Q4 2025 to 2026
    assert [row.period for row in compliance.overview(db_session, AFTER_DUE, scene.period)] == [scene.period]


def test_the_overview_page_links_each_count_to_the_list(client_request, db_session, scene):
    period_of(db_session, 2026, 2)  # the calendar now holds Q4 2025 to 2026 up to Q3 2026 to 2027
    client_request.login(create_user(db_session, Role.ADMIN))
    html = client_request.get("/returns/overview").get_data(as_text=True)
    period = scene.period.id
    assert f'href="/la/returns?period={period}&amp;state=submitted">3<' in html
    assert f'href="/la/returns?period={period}&amp;state=overdue">2<' in html
    assert f'href="/la/returns?period={period}">5<' in html
    assert html.count('<th scope="row"') == 3  # those open: Q2 and Q1 2026 to 2027, Q4 2025 to 2026
    html = client_request.get(f"/returns/overview?period={period}").get_data(as_text=True)
    assert html.count('<th scope="row"') == 1
    client_request.get("/returns/overview?period=2000000000", expected_status=404)


# Dashboards


def test_the_la_dashboard_summarises_the_current_period(client_request, db_session, scene):
    # The current period is Q2 2026 to 2027 (the newest open one); nobody has signed it yet, and
    # Fir Tree Homes (which signed the covenant in May) owes it too.
    current = period_of(db_session, 2026, 2)
    db_session.add(
        ReturnReminder(
            organisation_id=scene.closed_home.organisation.id,
            period_id=current.id,
            stage=ReminderStage.ESCALATED,
            sent_on=date(2026, 11, 12),
        )
    )
    db_session.flush()
    client_request.login(scene.bolton_contact)
    html = client_request.get("/dashboard").get_data(as_text=True)
    assert "Quarterly returns for Q2 2026 to 2027" in html
    assert "<li>0 submitted</li>" in html and "state=submitted" not in html  # none: nothing to link to
    assert f'href="/la/returns?period={current.id}&amp;state=overdue">4 overdue</a>' in html
    assert f'href="/la/returns?period={current.id}&amp;state=escalated">1 escalated</a>' in html


def test_admin_and_escalation_officer_dashboards_show_escalated_returns(client_request, db_session, scene):
    db_session.add(
        ReturnReminder(
            organisation_id=scene.closed_home.organisation.id,
            period_id=scene.period.id,
            stage=ReminderStage.ESCALATED,
            sent_on=AFTER_DUE,
        )
    )
    # Escalated, then signed: no longer escalated.
    db_session.add(
        ReturnReminder(
            organisation_id=scene.hosted.organisation.id,
            period_id=scene.period.id,
            stage=ReminderStage.ESCALATED,
            sent_on=AFTER_DUE,
        )
    )
    db_session.flush()
    for role in (Role.ADMIN, Role.ESCALATION_OFFICER):
        client_request.login(create_user(db_session, role))
        html = client_request.get("/dashboard").get_data(as_text=True)
        assert 'href="/returns/overview"' in html
        assert "Elm Lodge Ltd" in html
        assert "Alder Homes Ltd" not in html
