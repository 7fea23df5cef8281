"""An administrator reads the audit trail: newest first, UK times, filtered by action, person,
record type and dates; a filter that makes no sense is explained and kept."""

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM, Actor, AuditFilter, find_events, record
from covenant_portal.audit.vocabulary import described_events
from tests.factories import create_user

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def admin(db_session):
    return create_user(db_session, Role.ADMIN, full_name="Grace Admin", email="grace@gm-first.example")


@pytest.fixture
def signed_in(client_request, admin):
    client_request.login(admin)
    return client_request


def rows(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return body.split('<tr class="govuk-table__row">')[1:]


def test_events_are_listed_newest_first_in_uk_time_with_who_what_and_where(signed_in, db_session, admin):
    provider = create_user(db_session, Role.PROVIDER, full_name="Pat Provider")
    by_admin = Actor(admin.id, "203.0.113.9", FIREFOX)
    record(db_session, by_admin, "user.deactivated", provider, utc(2026, 1, 15, 12, 0), reason="left the company")
    record(db_session, SYSTEM, "outbox.sent", provider, utc(2026, 7, 1, 12, 0))
    db_session.flush()

    html = signed_in.get("/admin/audit").get_data(as_text=True)

    summer, winter = rows(html)
    assert "1 July 2026 at 1:00pm" in summer  # British Summer Time
    assert "outbox.sent" in summer and "The portal (scheduled or command-line task)" in summer
    assert "15 January 2026 at 12:00pm" in winter  # Greenwich Mean Time
    for shown in (
        "Grace Admin",
        "grace@gm-first.example",
        "Deactivated an account",
        "user.deactivated",
        f"User: Pat Provider ({provider.email})",
        "203.0.113.9",
        "Firefox/140.0",
        "reason: left the company",
    ):
        assert shown in winter
    # An action no area names is still shown, as its code in words.
    assert "Outbox: sent" in summer


def test_actions_to_choose_from_are_those_recorded(signed_in, db_session, admin):
    record(db_session, Actor(admin.id), "organisation.renamed", admin, utc(2026, 3, 1, 9))
    db_session.flush()
    html = signed_in.get("/admin/audit").get_data(as_text=True)
    assert '<option value="organisation.renamed">Organisation: renamed</option>' in html
    assert '<option value="User">User</option>' in html


@pytest.fixture
def three_events(db_session, admin):
    other = create_user(db_session, Role.ESCALATION_OFFICER, email="eve@council.example")
    record(db_session, Actor(admin.id), "user.invited", other, utc(2026, 6, 30, 23, 30))  # 1 July, 00:30 in UK
    record(db_session, Actor(other.id), "user.logged_in", other, utc(2026, 7, 1, 22, 59))  # 1 July, 23:59
    record(db_session, Actor(other.id), "user.logged_in", other, utc(2026, 7, 1, 23, 0))  # 2 July, 00:00
    db_session.flush()


@pytest.mark.parametrize(
    "query, expected_count",
    [
        ("action=user.logged_in", 2),
        ("action=user.invited", 1),
        ("actor_email=+EVE@Council.example+", 2),
        ("actor_email=grace@gm-first.example", 1),
        ("object_type=User", 3),
        ("start_date=1&start_date=7&start_date=2026&end_date=1&end_date=7&end_date=2026", 2),
        ("start_date=2&start_date=7&start_date=2026", 1),
        ("end_date=30&end_date=6&end_date=2026", 0),
        ("action=user.logged_in&start_date=1&start_date=7&start_date=2026&end_date=1&end_date=7&end_date=2026", 1),
    ],
)
def test_filters_narrow_the_events(signed_in, three_events, query, expected_count):
    html = signed_in.get(f"/admin/audit?{query}").get_data(as_text=True)
    if expected_count == 0:
        assert "No events match this filter." in html
    else:
        assert len(rows(html)) == expected_count


@pytest.mark.parametrize(
    "query, message, kept",
    [
        ("start_date=31&start_date=2&start_date=2026", "Enter a real date for “Start date”", 'value="31"'),
        ("start_date=1&start_date=&start_date=2026", "Enter the month for “Start date”", 'value="2026"'),
        ("end_date=1&end_date=7&end_date=26", "Enter a year with 4 numbers, like 2026, for “End date”", 'value="26"'),
        (
            "start_date=2&start_date=7&start_date=2026&end_date=1&end_date=7&end_date=2026",
            "End date must be the same as or after the start date",
            'value="2"',
        ),
        ("actor_email=not-an-email", "Enter an email address in the correct format", 'value="not-an-email"'),
        ("action=user.teleported", "Select an action from the list", "All actions"),
        ("object_type=Spaceship", "Select a type of record from the list", "All types"),
    ],
)
def test_a_filter_that_makes_no_sense_is_explained_and_kept(signed_in, three_events, query, message, kept):
    html = signed_in.get(f"/admin/audit?{query}", expected_status=400).get_data(as_text=True)
    assert message in html
    assert 'class="govuk-error-summary"' in html
    assert kept in html
    assert "<tbody" not in html


def test_error_summary_links_to_the_day_box_of_a_wrong_date(signed_in):
    html = signed_in.get("/admin/audit?start_date=x&start_date=y&start_date=z", expected_status=400).get_data(
        as_text=True
    )
    assert 'href="#start_date"' in html
    assert 'id="start_date" name="start_date"' in html


@pytest.mark.parametrize("role", list(Role))
def test_only_administrators_see_the_audit_trail_in_the_menu(client_request, db_session, role):
    client_request.login(create_user(db_session, role))
    menu_has_it = 'href="/admin/audit"' in client_request.get("/dashboard").get_data(as_text=True)
    assert menu_has_it == (role == Role.ADMIN)


def test_each_record_is_named_in_words_with_one_query_per_type(signed_in, db_session, admin, app):
    organisation_users = [create_user(db_session, Role.PROVIDER, full_name=f"Provider {n}") for n in range(5)]
    for user in organisation_users:
        record(db_session, Actor(admin.id), "user.deactivated", user, utc(2026, 3, 1, 9))
        record(db_session, Actor(admin.id), "user.deactivated", user.organisation, utc(2026, 3, 1, 9))
    db_session.flush()
    statements = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    connection = db_session.connection()
    sa.event.listen(connection, "before_cursor_execute", count)
    try:
        described = described_events(
            db_session, find_events(db_session, AuditFilter()), app.extensions["audit_vocabulary"]
        )
    finally:
        sa.event.remove(connection, "before_cursor_execute", count)
    records = {each.record for each in described}
    assert {f"User: {user.full_name} ({user.email})" for user in organisation_users} <= records
    assert {f"Organisation: {user.organisation.name}" for user in organisation_users} <= records
    assert len(statements) <= 3  # the events, then one query for the users and one for the organisations
