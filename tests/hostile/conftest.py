"""The hostile suite's fixtures: one app and one world per module, built in a transaction that is
rolled back at the end; each test runs in a savepoint of it, rolled back after the test."""

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import sessionmaker

from tests.conftest import ClientRequest, make_app
from tests.hostile.world import build_world


@pytest.fixture(scope="module")
def hostile_app(migrated_engine, database_url, tmp_path_factory):
    app = make_app(database_url, EVIDENCE_DIR=str(tmp_path_factory.mktemp("evidence")))
    yield app
    app.extensions["db"].engine.dispose()


@pytest.fixture(scope="module")
def hostile_module(hostile_app, migrated_engine):
    connection = migrated_engine.connect()
    transaction = connection.begin()
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    hostile_app.extensions["db"].session_factory = factory
    with hostile_app.app_context():
        session = factory()
        world = build_world(session)
        session.commit()
        session.close()  # the world's objects keep what was loaded; tests use sessions of their own
        yield SimpleNamespace(app=hostile_app, connection=connection, factory=factory, world=world)
    transaction.rollback()
    connection.close()


@pytest.fixture
def hostile(hostile_module):
    """The module's app and world; whatever the test changes is undone after it."""
    savepoint = hostile_module.connection.begin_nested()
    with hostile_module.app.app_context():
        session = hostile_module.factory()
        yield SimpleNamespace(**vars(hostile_module), session=session)
        session.close()
    savepoint.rollback()


def browser_for(hostile, persona: str) -> ClientRequest:
    client = ClientRequest(hostile.app.test_client())
    user = getattr(hostile.world, persona)
    if user is not None:
        client.login(user)
    return client


class MadeForms:
    """The names of the portal's form classes made while `recording()` (a class made inside a
    function, such as a draft's occupancy form, under the name of the class it derives from)."""

    def __init__(self):
        self.names: list[str] = []
        self.active = False

    @contextmanager
    def recording(self):
        self.active = True
        try:
            yield
        finally:
            self.active = False


@pytest.fixture
def made_forms(monkeypatch):
    from covenant_portal.web.forms import PortalForm

    made = MadeForms()
    original = PortalForm.__init__

    def recording(self, *args, **kwargs):
        cls = type(self)
        while "<locals>" in cls.__qualname__:
            cls = cls.__base__
        if made.active:
            made.names.append(cls.__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(PortalForm, "__init__", recording)
    return made


@pytest.fixture(scope="module")
def app(hostile_app):
    """One app per module for the tests here that use the usual per-test rollback (db_session)
    rather than the hostile world: making an app compiles every URL rule."""
    return hostile_app
