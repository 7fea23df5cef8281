"""The demo, seeded once for the run, for the tests that read it (marked `seeded_demo`).

Seeding the three-year demo takes seconds, so it is made once, the first time a test asks for it:
`flask seed-demo --as-of 2026-12-01`, exactly as a user runs it (the command, then the start-up
steps), committed into a database of its own (a SQLite file, or a PostgreSQL schema, beside the
run's). A test marked `seeded_demo` gets `app` and `db_connection` on that database
(tests/conftest.py); its transaction is rolled back after it, as every test's is, so each such test
reads the demo as seeded, whatever the one before it did, and the run's own database never sees it.

Tests of seeding itself say which run they make: "seeding twice changes nothing" runs seed-demo
again over this demo (its first run); a test of seeding on another day, from an empty database,
seeds for itself and is not marked."""

from datetime import date, datetime, time, timezone
from types import SimpleNamespace

import pytest

from covenant_portal.returns.calendar.periods import LONDON
from tests.conftest import database_of_its_own, make_app, migrate

SEEDED_AS_OF = "2026-12-01"
# What seed-demo makes of that date: 18:00 in London, long past the current quarter's due date.
LONG_PAST_DUE = datetime.combine(date(2026, 12, 1), time(18), LONDON).astimezone(timezone.utc)


@pytest.fixture(scope="session")
def seeded_demo(request, tmp_path_factory):
    """The demo's database (engine, app) and what `seed-demo` printed as it made it."""
    database = database_of_its_own(request, tmp_path_factory.mktemp("demo") / "demo.sqlite", "pytest_demo")
    url = next(database)
    engine = migrate(url)
    app = make_app(url)
    with app.app_context():  # as `flask` gives its commands
        # The README's order: `db upgrade` has published the key (today) before seed-demo runs.
        assert app.test_cli_runner().invoke(args=["keys", "publish"]).exit_code == 0
        result = app.test_cli_runner().invoke(args=["seed-demo", "--as-of", SEEDED_AS_OF])
    assert result.exit_code == 0, result.output
    yield SimpleNamespace(app=app, engine=engine, output=result.output)
    app.extensions["db"].engine.dispose()
    engine.dispose()
    next(database, None)  # drops the PostgreSQL schema
