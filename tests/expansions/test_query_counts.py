"""The lists of proposals that those who oversee the covenant read (their dashboard's escalations,
the oversight list), the host LA's queue (its dashboard, panel and list of proposals) and the daily
chase read each proposal's standing in a fixed number of SQL statements, however many proposals
there are (no query per proposal)."""

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
        late = submitted(session, who.provider)
        triage.take(session, who.bury, late, SYSTEM, NOW)  # the queue names who has taken it
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


def _queue(session, local_authority_id: int) -> list:
    """The host LA's queue with what its pages show of each: provider, due date, clock, who has it."""
    return [
        (q.proposal.title, q.proposal.organisation.name, q.clock, q.proposal.taken_by and q.proposal.taken_by.full_name)
        for q in triage.queue(session, local_authority_id, LATER)
    ]


def _counts(session, who) -> dict[str, tuple[int, int]]:
    found = {}
    bury = who.bury.local_authority_id
    for name, read in [
        ("queue", lambda: _queue(session, bury)),
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
    few = _counts(db_session, who)
    _add(db_session, who, 3)
    many = _counts(db_session, who)
    assert {name: items for name, (items, _) in few.items()} == {"queue": 2, "escalated": 1, "due_on": 2, "overseen": 3}
    assert {name: items for name, (items, _) in many.items()} == {
        "queue": 8,
        "escalated": 4,
        "due_on": 8,
        "overseen": 12,
    }
    assert {name: statements for name, (_, statements) in many.items()} == {
        name: statements for name, (_, statements) in few.items()
    }


def test_a_page_of_the_oversight_list_reads_as_many_statements_however_many_proposals(client_request, db_session, who):
    client_request.login(who.admin)

    def statements() -> int:
        with _statements(db_session) as counted:
            client_request.get("expansion_oversight.proposals")
            client_request.get("expansion_oversight.proposals", page=1)
        return len(counted)

    _add(db_session, who, 1)
    few = statements()
    assert few > 2  # the list is read, not cached
    _add(db_session, who, 20)  # 63 proposals: two pages
    assert client_request.get("expansion_oversight.proposals", page=2).status_code == 200
    assert statements() == few
