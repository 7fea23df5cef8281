"""Test kernel: one real database per run (SQLite or PostgreSQL, chosen with --db), built once
by running the migrations; every test runs in a transaction that is rolled back afterwards."""
import os
import re
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from covenant_portal import create_app
from covenant_portal.db import create_db_engine, upgrade_database
from covenant_portal.private_files import write_private_file_once
from covenant_portal.signing.keys import new_private_key_pem
from covenant_portal.reference import load_covenant, load_local_authorities

pytest_plugins = ["tests.smtp_server"]

# One signing key for the whole run, so apps made by tests (production ones too) can sign.
TEST_SIGNING_KEY_FILE = Path(tempfile.gettempdir()) / f"gm-first-test-signing-key-{os.getpid()}.pem"
write_private_file_once(TEST_SIGNING_KEY_FILE, new_private_key_pem())

POSTGRESQL_URL = os.environ.get("TEST_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default=os.environ.get("TEST_DB", "sqlite"),
        help="database to run the suite against",
    )


def pytest_report_header(config):
    return f"database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory) -> str:
    if request.config.getoption("--db") == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    # Each run gets a schema of its own in the `test` database, so runs side by side never collide.
    schema = f"pytest_{os.getpid()}"
    _run_on_postgresql(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    yield f"{POSTGRESQL_URL}?options=-csearch_path%3D{schema}"
    _run_on_postgresql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _run_on_postgresql(sql: str) -> None:
    engine = create_db_engine(POSTGRESQL_URL)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(sql)
    except sa.exc.OperationalError as error:
        pytest.exit(f"PostgreSQL is unreachable at {POSTGRESQL_URL}: {error}", returncode=3)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def migrated_engine(database_url):
    engine = create_db_engine(database_url)
    upgrade_database(engine)
    with Session(engine) as session:
        load_local_authorities(session)
        load_covenant(session)
    yield engine
    engine.dispose()


def make_app(database_url: str, **overrides):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": database_url,
            "BASE_URL": "http://localhost",
            "SIGNING_KEY_FILE": str(TEST_SIGNING_KEY_FILE),
            **cheap_password_hashing(overrides),
            **overrides,
        }
    )
    app.test_client_class = OwnContextClient
    return app


def cheap_password_hashing(overrides: dict) -> dict:
    # argon2id still, but its cheapest parameters: full-cost hashing would dominate the suite.
    # Production refuses them, so apps configured as production keep the real cost.
    return {} if overrides.get("ENV_NAME") == "production" else {"PASSWORD_HASH_PROFILE": "CHEAPEST"}


class OwnContextClient(FlaskClient):
    """Gives each request its own application context, as in production. Tests keep an app
    context open, which Flask would otherwise reuse for every request, carrying flask.g (the
    request's database session, Flask-Login's cached user) from one request or browser to the next."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(migrated_engine, database_url):
    return make_app(database_url)


@pytest.fixture
def db_session(app, migrated_engine):
    """The test's session; the app's requests share its connection and transaction."""
    connection = migrated_engine.connect()
    transaction = connection.begin()
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    app.extensions["db"].session_factory = factory
    session = factory()
    with app.app_context():
        yield session
    session.close()
    transaction.rollback()
    connection.close()


class ClientRequest:
    """Requests pages as a browser would: checks the status, the page title and CSRF on forms."""

    def __init__(self, client):
        self.client = client

    def login(self, user) -> None:
        with self.client.session_transaction() as flask_session:
            flask_session["_user_id"] = user.get_id()
            flask_session["_fresh"] = True

    def get(self, url: str, expected_status: int = 200, **kwargs):
        response = self.client.get(url, **kwargs)
        assert response.status_code == expected_status, (url, response.status_code, response.location)
        if response.status_code == 200 and response.mimetype == "text/html":
            check_page(response.get_data(as_text=True))
        return response

    def post(self, url: str, data: dict | None = None, expected_status: int = 302, form_url: str | None = None):
        """Posts a form with the CSRF token from the page the form is on (url unless form_url)."""
        page = self.client.get(form_url or url)
        token = csrf_token_in(page.get_data(as_text=True))
        response = self.client.post(url, data={"csrf_token": token, **(data or {})})
        assert response.status_code == expected_status, (url, response.status_code, response.location)
        if response.mimetype == "text/html" and response.status_code in (200, 400, 429):
            check_page(response.get_data(as_text=True))
        return response


TITLE = re.compile(r"<title>(.*?)</title>", re.S)
FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def page_title(html: str) -> str:
    match = TITLE.search(html)
    assert match, "page has no <title>"
    return match.group(1).strip()


def check_page(html: str) -> None:
    title = page_title(html)
    assert title.endswith("– GM First Covenant Portal"), title
    has_errors = 'class="govuk-error-summary"' in html
    assert title.startswith("Error: ") == has_errors, f"title {title!r} must start 'Error: ' exactly when errors show"
    for form in FORM.findall(html):
        assert CSRF_INPUT.search(form), "a POST form without a CSRF token"


def csrf_token_in(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def client_request(app, db_session):
    return ClientRequest(app.test_client())


@pytest.fixture
def another_browser(app, db_session):
    """A second browser, for someone signed in elsewhere at the same time."""
    return ClientRequest(app.test_client())


def reset_committed_data(engine) -> None:
    """Empties every table (but the migration marker) and reloads the reference data."""
    from covenant_portal.db import Base

    with engine.begin() as connection:
        tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                connection.exec_driver_sql(f"DELETE FROM {table}")
    with Session(engine) as session:
        load_local_authorities(session)
        load_covenant(session)


@pytest.fixture
def committed_app(migrated_engine, database_url):
    """An app whose requests and jobs really commit (for live servers, several processes or
    threads); every table is emptied afterwards."""
    app = make_app(database_url)
    yield app
    app.extensions["db"].engine.dispose()
    reset_committed_data(migrated_engine)
