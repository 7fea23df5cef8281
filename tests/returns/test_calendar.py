"""The returns calendar: due dates that roll over weekends and bank holidays, and the admin pages
where the calendar is seen and a due date moved."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from covenant_portal.access import Role
from covenant_portal.returns.calendar.service import CalendarSettings, ensure_periods_saved
from covenant_portal.returns.models import ReturnPeriod
from covenant_portal.returns.calendar.periods import default_due_date, quarter_dates
from covenant_portal.audit.models import AuditEvent
from tests.returns.helpers import make_periods, signed_organisation
from tests.factories import create_user


@pytest.mark.parametrize(
    ("financial_year", "quarter", "due_days", "due_on"),
    [
        (2026, 3, 28, date(2027, 1, 29)),  # ends 31 Dec 2026, opens 1 Jan 2027, +28: Friday 29 January
        (2027, 3, 28, date(2028, 1, 31)),  # +28 is Saturday 29 January 2028: Monday 31 January
        (2027, 4, 28, date(2028, 5, 2)),  # Saturday 29 April 2028, then the early May bank holiday on 1 May
        (2025, 4, 5, date(2026, 4, 7)),  # opens 1 April 2026, +5 is Easter Monday 6 April 2026
        (2026, 2, 85, date(2026, 12, 29)),  # Christmas Day (a Friday), the weekend, then Boxing Day on Monday 28
    ],
)
def test_due_dates_roll_over_weekends_and_england_bank_holidays(financial_year, quarter, due_days, due_on):
    _starts_on, ends_on = quarter_dates(financial_year, quarter)

    assert default_due_date(ends_on, due_days) == due_on


def test_the_calendar_is_made_with_the_configured_due_days(app, db_session):
    signed_organisation(db_session)  # signed in January 2026: the calendar starts at Q4 2025 to 2026
    app.config["RETURN_DUE_DAYS"] = 5

    periods = ensure_periods_saved(db_session, CalendarSettings.from_config(app.config), date(2026, 7, 1))

    assert [(p.label, p.opens_on, p.due_on) for p in periods] == [
        ("Q4 2025 to 2026", date(2026, 4, 1), date(2026, 4, 7)),  # 6 April 2026 is Easter Monday
        ("Q1 2026 to 2027", date(2026, 7, 1), date(2026, 7, 6)),
        ("Q2 2026 to 2027", date(2026, 10, 1), date(2026, 10, 6)),  # the quarter under way
    ]


def test_admins_see_every_period_with_its_dates(app, client_request, db_session):
    signed_organisation(db_session)
    make_periods(db_session)
    client_request.login(create_user(db_session, Role.ADMIN))

    html = client_request.get("/admin/return-periods").get_data(as_text=True)

    q1 = db_session.scalar(select(ReturnPeriod).where(ReturnPeriod.financial_year == 2026, ReturnPeriod.quarter == 1))
    row = _row(html, q1.id)
    assert "Q1 2026 to 2027" in row and "April to June 2026" in row
    assert [cell for cell in re.findall(r'<td class="govuk-table__cell">\s*(?:<strong>)?([^<]+)', row)][:4] == [
        "1 April 2026",
        "30 June 2026",
        "1 July 2026",
        "29 July 2026",
    ]
    assert "Moved" not in row
    assert 'href="/admin/return-periods"' in html  # "Return periods" in the admin's navigation


def test_an_admin_moves_a_due_date_and_the_calendar_says_who_why_and_from_when(app, client_request, db_session):
    signed_organisation(db_session)
    make_periods(db_session)
    admin = create_user(db_session, Role.ADMIN, full_name="Ada Admin")
    client_request.login(admin)
    client_request.get("/admin/return-periods")
    q1 = db_session.scalar(select(ReturnPeriod).where(ReturnPeriod.financial_year == 2026, ReturnPeriod.quarter == 1))

    form = client_request.get(f"/admin/return-periods/{q1.id}").get_data(as_text=True)
    assert re.search(r'name="due_on"[^>]*value="29"', form) and re.search(r'name="due_on"[^>]*value="2026"', form)

    response = client_request.post(
        f"/admin/return-periods/{q1.id}",
        {"due_on": ["5", "8", "2026"], "reason": "The portal was down for two days."},
        expected_redirect="/admin/return-periods",
    )

    assert response.location == "/admin/return-periods"
    db_session.refresh(q1)
    assert q1.due_on == date(2026, 8, 5)
    assert (q1.due_adjusted_by_id, q1.due_adjustment_reason) == (admin.id, "The portal was down for two days.")
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "return_period.due_date_changed"))
    assert event.details["previous"] == "2026-07-29" and event.actor_id == admin.id
    html = client_request.get("/admin/return-periods").get_data(as_text=True)
    assert "Q1 2026 to 2027 is now due on 5 August 2026." in html
    row = _row(html, q1.id)
    assert "5 August 2026" in row
    assert re.search(r"Moved from 29 July 2026 by Ada Admin on \d+ \w+ \d{4}: The portal was down for two days\.", row)


@pytest.mark.parametrize(
    ("due_on", "reason", "errors"),
    [
        (["", "", ""], "", ["Enter the new due date", "Say why the due date is changing"]),
        (["5", "", "2026"], "Outage", ["Enter the month for “New due date”"]),
        (["31", "2", "2026"], "Outage", ["Enter a real date for “New due date”"]),
        (["30", "6", "2026"], "Outage", ["The due date must be on or after 1 July 2026, when the return opens."]),
    ],
)
def test_a_bad_change_is_refused_next_to_its_field_keeping_what_was_typed(
    client_request, db_session, due_on, reason, errors
):
    signed_organisation(db_session)
    make_periods(db_session)
    client_request.login(create_user(db_session, Role.ADMIN))
    client_request.get("/admin/return-periods")
    q1 = db_session.scalar(select(ReturnPeriod).where(ReturnPeriod.financial_year == 2026, ReturnPeriod.quarter == 1))

    response = client_request.post(
        f"/admin/return-periods/{q1.id}", {"due_on": due_on, "reason": reason}, expected_status=400
    )

    html = response.get_data(as_text=True)
    for error in errors:
        assert f'<span class="govuk-visually-hidden">Error:</span> {error}' in html
    assert re.search(rf'id="due_on-year"[^>]*value="{due_on[2]}"', html) or not due_on[2]
    assert reason in html
    db_session.refresh(q1)
    assert q1.due_on == date(2026, 7, 29)
    assert q1.due_adjusted_at is None


def test_the_same_date_changes_nothing(client_request, db_session):
    signed_organisation(db_session)
    make_periods(db_session)
    client_request.login(create_user(db_session, Role.ADMIN))
    client_request.get("/admin/return-periods")
    q1 = db_session.scalar(select(ReturnPeriod).where(ReturnPeriod.financial_year == 2026, ReturnPeriod.quarter == 1))

    client_request.post(
        f"/admin/return-periods/{q1.id}",
        {"due_on": ["29", "7", "2026"], "reason": "No change"},
        expected_redirect="/admin/return-periods",
    )

    db_session.refresh(q1)
    assert q1.due_adjusted_at is None
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "return_period.due_date_changed")) is None


def _row(html: str, period_id: int) -> str:
    match = re.search(rf'<tr class="govuk-table__row" id="period-{period_id}">(.*?)</tr>', html, re.S)
    assert match, f"no row for period {period_id}"
    return match.group(1)


def test_the_periods_are_made_at_start_up_not_by_the_calendar_page(app, client_request, db_session):
    signed_organisation(db_session)  # signed in January 2026
    client_request.login(create_user(db_session, Role.ADMIN))
    client_request.get("/admin/return-periods")
    assert db_session.scalars(select(ReturnPeriod)).all() == []

    with app.app_context():
        output = app.test_cli_runner().invoke(args=["load-reference-data"]).output

    made = db_session.scalars(select(ReturnPeriod).order_by(ReturnPeriod.starts_on)).all()
    assert (made[0].financial_year, made[0].quarter) == (2025, 4)
    assert f"Return periods: {len(made)}." in output
