"""Seeding the demo before its current quarter's due date (in an empty database), seeding it again
and `seed-demo --as-of` (the seeded demo's first run: tests/seeded_demo.py)."""

from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa

from covenant_portal.db import Base
from covenant_portal.demo import DemoSettings, seed_demo
from covenant_portal.returns.calendar.periods import LONDON
from covenant_portal.filters import london_day
from covenant_portal.returns.models import ReturnPeriod, ReturnSubmission
from covenant_portal.returns.status import ReturnState, return_states
from covenant_portal.signing.records import record_kinds
from covenant_portal.signing.service import verify_ledger
from tests.seeded_demo import LONG_PAST_DUE, SEEDED_AS_OF

# Q2 2026 to 2027 (July to September) opened on 1 October 2026 and is due on 29 October.
OPEN_AND_NOT_YET_DUE = datetime.combine(date(2026, 10, 20), time(16), LONDON).astimezone(timezone.utc)


def periods(db_session) -> list[ReturnPeriod]:
    return list(db_session.scalars(sa.select(ReturnPeriod).order_by(ReturnPeriod.starts_on)))


def row_counts(db_session) -> dict[str, int]:
    return {
        table.name: db_session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def test_before_the_due_date_nothing_is_moved(app, db_session):
    seed_demo(db_session, DemoSettings.from_app(app), OPEN_AND_NOT_YET_DUE)
    today = london_day(OPEN_AND_NOT_YET_DUE)
    current = [period for period in periods(db_session) if period.opens_on <= today][-1]
    assert current.due_adjusted_at is None and current.due_on == date(2026, 10, 29)
    assert sorted(set(return_states(db_session, current, today).values())) == sorted(
        {ReturnState.SUBMITTED, ReturnState.DRAFT, ReturnState.NOT_STARTED}
    )
    assert verify_ledger(db_session, record_kinds()).ok


@pytest.mark.seeded_demo
def test_seeding_again_changes_nothing_that_day_or_later(app, db_session):
    # The seeded demo is seed-demo's first run, as of LONG_PAST_DUE (tests/seeded_demo.py).
    before = row_counts(db_session)
    assert before["attestation_submission"] and before["return_reminder"] and before["outbox_message"]
    seed_demo(db_session, DemoSettings.from_app(app), LONG_PAST_DUE + timedelta(hours=2))
    assert row_counts(db_session) == before
    # Run days later (as `make run` does each time), it makes no second history.
    seed_demo(db_session, DemoSettings.from_app(app), LONG_PAST_DUE + timedelta(days=9))
    assert row_counts(db_session) == before


@pytest.mark.seeded_demo
def test_seed_demo_takes_a_date_to_make_the_demo_as_of(app, db_session, seeded_demo):
    # The seeded demo was made, in an empty database, by `seed-demo --as-of 2026-12-01`.
    assert SEEDED_AS_OF == "2026-12-01"
    assert "pennine.admin@demo.gm-first.example" in seeded_demo.output
    assert db_session.scalar(sa.select(sa.func.max(ReturnSubmission.signed_at))).date() <= date(2026, 12, 1)
    bad = app.test_cli_runner().invoke(args=["seed-demo", "--as-of", "1 December"])
    assert bad.exit_code != 0 and "give a date like" in bad.output
