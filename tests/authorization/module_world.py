"""The authorization matrix's world, built once for a test module and shared by its tests.

A module that imports these fixtures gets `world`: built once in a transaction of the module's own,
rolled back at the end; each test runs in a savepoint of that transaction (`db_connection`, which
`db_session` and the app's requests share), rolled back after it, so every test sees the world as
built, whatever the one before it did. Building the world takes a good part of a second: per test,
over every route of the portal, that was most of these modules' time."""

import pytest

from tests.authorization.matrix import build_world
from tests.conftest import session_factory_on


@pytest.fixture(scope="module")
def world_transaction(migrated_engine, shared_app):
    connection = migrated_engine.connect()
    transaction = connection.begin()
    with shared_app.app_context(), session_factory_on(connection)() as session:
        world = build_world(session)
        session.commit()  # releases the session's savepoint: the world stays in the module's transaction
    # The session is closed: the world's objects keep what they loaded (their ids), detached.
    yield connection, world
    transaction.rollback()
    connection.close()


@pytest.fixture
def world(world_transaction, db_session):
    """The module's world; the test's requests run in its savepoint (db_session, db_connection)."""
    return world_transaction[1]


@pytest.fixture
def db_connection(world_transaction):
    connection, _world = world_transaction
    savepoint = connection.begin_nested()
    yield connection
    savepoint.rollback()
