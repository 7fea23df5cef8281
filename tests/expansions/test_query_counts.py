"""The lists of proposals that those who oversee the covenant read (their dashboard's escalations,
the oversight list) and the daily chase read each proposal's standing in a fixed number of SQL
statements, however many proposals there are (no query per proposal)."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from covenant_portal.audit.service import SYSTEM
from covenant_portal.expansions.chasing.service import due_on, escalated
from covenant_portal.expansions.oversight.service import overseen
from covenant_portal.expansions.triage import service as triage
from tests.expansions.helpers import NOW, links, outcome, people, submitted

LATER = date(2026, 11, 2)  # the late ones long escalated, the asked ones paused


@pytest.fixture
def who(db_session):
    return people(db_session)


def _add(session, who, count: int) -> None:
    """`count` each of: late (escalated), asked for information, responded to."""
    for _ in range(count):
        submitted(session, who.provider)
        asked = submitted(session, who.provider)
        triage.request_information(session, links(), who.bury, asked, "Which schools?", SYSTEM, NOW + timedelta(1))
        outcome(session, who.bury, submitted(session, who.provider))


@contextmanager
def _statements(session):
    counted: list[str] = []
    engine = session.get_bind().engine

    def count(conn, cursor, statement, parameters, context, executemany):
        counted.append(statement)

    session.expunge_all()  # nothing already loaded hides a query
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _counts(session) -> dict[str, tuple[int, int]]:
    found = {}
    for name, read in [
        ("escalated", lambda: escalated(session, LATER)),
        ("due_on", lambda: due_on(session, LATER)),
        ("overseen", lambda: overseen(session, LATER)),
    ]:
        with _statements(session) as counted:
            items = read()
        found[name] = (len(items), len(counted))
    return found


def test_the_statements_read_do_not_grow_with_the_number_of_proposals(db_session, who):
    _add(db_session, who, 1)
    few = _counts(db_session)
    _add(db_session, who, 3)
    many = _counts(db_session)
    assert {name: items for name, (items, _) in few.items()} == {"escalated": 1, "due_on": 2, "overseen": 3}
    assert {name: items for name, (items, _) in many.items()} == {"escalated": 4, "due_on": 8, "overseen": 12}
    assert {name: statements for name, (_, statements) in many.items()} == {
        name: statements for name, (_, statements) in few.items()
    }
