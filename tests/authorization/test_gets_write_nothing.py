"""A GET request writes nothing to the database: every GET of the authorization matrix, asked by every
persona, runs no INSERT, UPDATE or DELETE. What pages read (return periods, the published signing key)
is made at start-up, by a job or by a command, never by a page being looked at."""

import re

import pytest
import sqlalchemy as sa

from tests.authorization.matrix import PERSONAS, all_routes, build_world
from tests.conftest import ClientRequest, make_app

GETS = [route for route in all_routes() if route.method == "GET"]
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE|UPSERT|REPLACE)\b", re.I)


@pytest.fixture(scope="module")
def app(migrated_engine, database_url):
    return make_app(database_url, WTF_CSRF_ENABLED=False)


class Writes:
    """The writing statements run on the engine while it is recording."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.recording = False
        self.statements: list[str] = []

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _connection, _cursor, statement, _parameters, _context, _executemany):
        if self.recording and WRITE.match(statement):
            self.statements.append(" ".join(statement.split())[:200])


def test_the_recorder_sees_a_write(migrated_engine, db_session):
    # Otherwise the test below could not fail.
    with Writes(migrated_engine) as writes:
        writes.recording = True
        db_session.execute(sa.text("UPDATE local_authority SET name = name WHERE id = -1"))
    assert writes.statements == ["UPDATE local_authority SET name = name WHERE id = -1"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_get_writes_to_the_database(app, migrated_engine, db_session, persona):
    world = build_world(db_session)
    user = getattr(world, persona)
    written = {}
    with Writes(migrated_engine) as writes:
        for route in GETS:
            client = ClientRequest(app.test_client())
            if user is not None:
                client.login(user)
            url = route.url.format(w=world)
            writes.recording, writes.statements = True, []
            response = client.client.get(url)
            writes.recording = False
            assert response.status_code == route.status_for(persona), (persona, url)
            if writes.statements:
                written[url] = writes.statements
    assert written == {}


def test_the_key_pages_write_nothing_for_a_key_not_yet_published(app, migrated_engine, db_session, tmp_path):
    # The world above signed, so its key is published: here a key nothing has signed with yet.
    fresh = make_app(app.config["DATABASE_URL"], WTF_CSRF_ENABLED=False, SIGNING_KEY_FILE=str(tmp_path / "key.pem"))
    fresh.extensions["db"].session_factory = app.extensions["db"].session_factory
    client = fresh.test_client()
    with Writes(migrated_engine) as writes:
        writes.recording = True
        statuses = [client.get(url).status_code for url in ("/.well-known/gm-first-keys.json", "/ledger/head")]
    assert writes.statements == []
    assert statuses == [200, 503]  # the head is not signed with a key nobody can check
