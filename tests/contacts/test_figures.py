"""The LAs' pledge 2 measured: days in each quarter without a named contact, against hand-worked
figures (Q1 2026 to 2027 is 1 April to 30 June 2026: 91 days)."""

from datetime import UTC, date, datetime

from covenant_portal.access import Role
from covenant_portal.contacts.figures import MEASURE, named_contact_figures
from covenant_portal.web.duties import la_pledge_figures
from tests.contacts.contacts import name_la_contact
from tests.factories import create_user, local_authority

Q1, Q2 = (2026, 1), (2026, 2)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def by_authority(session, quarters, today=date(2026, 12, 1)) -> dict:
    ids = {local_authority(session, name).id: name for name in ("Bolton", "Bury", "Wigan")}
    return {
        (ids[figure.local_authority_id], (figure.financial_year, figure.quarter)): figure.value
        for figure in named_contact_figures(session, quarters, today)
        if figure.local_authority_id in ids
    }


def la_contact(session, name):
    return create_user(session, Role.LA_CONTACT, local_authority=local_authority(session, name))


def test_days_without_a_named_contact_against_hand_worked_figures(db_session):
    # Bolton: named all through Q1 and Q2 (since March).
    name_la_contact(db_session, la_contact(db_session, "Bolton"), started_at=at(date(2026, 3, 1)))
    # Bury: a contact until 10 May, none 11 May to 20 May (10 days), a new one from 21 May;
    # in Q2 the second ends 31 July and nobody follows: 1 August to 30 September = 61 days.
    name_la_contact(
        db_session, la_contact(db_session, "Bury"), started_at=at(date(2026, 1, 5)), ended_at=at(date(2026, 5, 10))
    )
    name_la_contact(
        db_session, la_contact(db_session, "Bury"), started_at=at(date(2026, 5, 21)), ended_at=at(date(2026, 7, 31))
    )
    # Wigan: never named: every day of both quarters (91 and 92).
    figures = by_authority(db_session, [Q1, Q2])
    assert figures == {
        ("Bolton", Q1): 0,
        ("Bolton", Q2): 0,
        ("Bury", Q1): 10,
        ("Bury", Q2): 61,
        ("Wigan", Q1): 91,
        ("Wigan", Q2): 92,
    }


def test_the_current_quarter_is_measured_so_far_and_a_future_one_not_at_all(db_session):
    # Today 15 May 2026: Q1 so far is 1 April to 15 May (45 days); Q2 has not begun.
    figures = by_authority(db_session, [Q1, Q2], today=date(2026, 5, 15))
    assert figures[("Wigan", Q1)] == 45
    assert figures[("Wigan", Q2)] is None


def test_each_figure_says_what_it_measures_and_is_registered_for_the_observatory(app, db_session):
    figures = la_pledge_figures(db_session, [Q1])
    mine = [figure for figure in figures if figure.measure == MEASURE]
    assert len(mine) == 10  # each GM LA
    figure = mine[0]
    assert (figure.label, figure.target, figure.higher_is_better) == ("Days without a named contact", 0, False)
    assert (figure.cases, figure.of_cases) == (91, "days")  # of the quarter's days: "All 91 days" when none had one
