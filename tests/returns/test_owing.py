"""Who owes a return: one definition (periods.owes_return_clause), asked by the calendar's helpers,
the draft pages, the states of returns and the chase, which therefore all agree."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.returns.calendar.periods import (
    owes_return,
    owes_return_clause,
    owing_organisation_ids,
    start_of_london_day,
)
from covenant_portal.returns.chasing.service import organisations_to_chase
from covenant_portal.returns.drafts import service as drafts
from covenant_portal.returns.models import ReminderStage
from covenant_portal.returns.status import return_states
from tests.returns.helpers import period_of, signed_organisation

AFTER_Q1_OPENED = datetime(2026, 7, 10, 9, 0, tzinfo=UTC)


def test_an_organisation_owes_the_returns_of_quarters_that_start_after_it_first_signed(db_session):
    period = period_of(db_session)  # Q1 2026 to 2027 starts on 1 April 2026, London time
    starts = start_of_london_day(period.starts_on)
    before = signed_organisation(db_session, signed_at=datetime(2026, 3, 31, 22, 59, tzinfo=UTC))
    at_the_start = signed_organisation(db_session, signed_at=starts)  # 23:00 UTC on 31 March (BST)
    after = signed_organisation(db_session, signed_at=datetime(2026, 5, 1, tzinfo=UTC))
    never = ProviderOrganisation(name="Never Signed Ltd")
    db_session.add(never)
    db_session.flush()
    owing = {before.organisation.id}
    everyone = [before.organisation.id, at_the_start.organisation.id, after.organisation.id, never.id]

    assert set(db_session.scalars(owing_organisation_ids(db_session, period))) & set(everyone) == owing
    assert {org for org in everyone if owes_return(db_session, org, period)} == owing
    assert set(return_states(db_session, period, AFTER_Q1_OPENED.date(), everyone)) == owing
    assert set(organisations_to_chase(db_session, period, ReminderStage.DUE_IN_7_DAYS)) & set(everyone) == owing
    for org in everyone:
        assert (drafts.owed_period(db_session, org, period.id, AFTER_Q1_OPENED) is not None) == (org in owing)
    clause = select(ProviderOrganisation.id).where(owes_return_clause(period, ProviderOrganisation.id))
    assert set(db_session.scalars(clause.where(ProviderOrganisation.id.in_(everyone)))) == owing


def test_the_upcoming_return_is_the_first_owed_quarter_whose_return_has_not_opened(db_session):
    """What the provider's list of returns says comes next: the same rule as owes_return, asked of a
    quarter not yet over (its period saved or not)."""
    q1 = period_of(db_session)  # Q1 2026 to 2027, saved
    q1.due_on = date(2026, 8, 3)  # moved by an admin
    before = signed_organisation(db_session, signed_at=datetime(2026, 3, 31, 22, 59, tzinfo=UTC))
    at_the_start = signed_organisation(db_session, signed_at=start_of_london_day(q1.starts_on))
    never = ProviderOrganisation(name="Never Signed Ltd")
    db_session.add(never)
    db_session.flush()
    last_day_of_q4 = date(2026, 3, 31)

    first = drafts.upcoming_period(db_session, before.organisation.id, last_day_of_q4)
    assert (first.label, first.months, first.opens_on, first.due_on) == (
        "Q1 2026 to 2027",
        "April to June 2026",
        date(2026, 7, 1),
        date(2026, 8, 3),  # the saved period's due date
    )
    unsaved = drafts.upcoming_period(db_session, at_the_start.organisation.id, last_day_of_q4)
    assert (unsaved.label, unsaved.opens_on, unsaved.due_on, unsaved.id) == (
        "Q2 2026 to 2027",
        date(2026, 10, 1),
        date(2026, 10, 29),
        None,  # made to be shown, not saved
    )
    assert owes_return(db_session, at_the_start.organisation.id, unsaved)
    assert not owes_return(db_session, at_the_start.organisation.id, q1)
    # Later on, the current quarter comes next.
    assert drafts.upcoming_period(db_session, before.organisation.id, date(2026, 12, 3)).label == "Q3 2026 to 2027"
    assert drafts.upcoming_period(db_session, never.id, last_day_of_q4) is None
    assert unsaved not in db_session
