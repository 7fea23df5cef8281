"""Test kernel: one real database per run (SQLite or PostgreSQL, chosen with --db), built once
by running the migrations; every test runs in a transaction that is rolled back afterwards."""
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import url_for
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import HTTPException

from covenant_portal import create_app
from covenant_portal.db import create_db_engine, upgrade_database
from covenant_portal.private_files import write_private_file_once
from covenant_portal.signing.keys import new_private_key_pem
from covenant_portal.reference import load_covenant, load_local_authorities
from tests.page import Page

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
    yield from _database_of_its_own(request, tmp_path_factory.mktemp("db") / "test.sqlite", "pytest")


@pytest.fixture
def empty_database_url(request, tmp_path) -> str:
    """A database no migration has touched: a new SQLite file, or a new PostgreSQL schema."""
    yield from _database_of_its_own(request, tmp_path / "empty.sqlite", "pytest_empty")


def _database_of_its_own(request, sqlite_file: Path, schema_prefix: str):
    if request.config.getoption("--db") == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    # Each run gets a schema of its own in the `test` database, so runs side by side never collide.
    schema = f"{schema_prefix}_{os.getpid()}"
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
    """Requests pages as a browser would: checks the status, the page title and CSRF on forms.

    `get` and `post` take a URL ("/returns/3") or an endpoint name and its arguments
    (`get("returns.task_list", return_id=3)`, built with url_for). A 3xx must say where it goes:
    `expected_redirect=` a URL (the Location, exactly) or an endpoint name (the Location is that
    endpoint's); a redirect with no stated destination fails the test. An HTML response carries
    its parsed page as `response.page` (tests/page.py); `get_page` returns the page itself."""

    def __init__(self, client):
        self.client = client

    def login(self, user) -> None:
        with self.client.session_transaction() as flask_session:
            flask_session["_user_id"] = user.get_id()
            flask_session["_fresh"] = True

    def url_for(self, endpoint: str, **values) -> str:
        """The endpoint's URL (path and query string), as the app builds it."""
        with self.client.application.test_request_context():
            return url_for(endpoint, **values)

    def get(self, url: str, expected_status: int | None = None, expected_redirect: str | None = None, **kwargs):
        """GET a URL (kwargs go to the test client) or an endpoint (kwargs are its arguments)."""
        url, kwargs = self._url_and_client_kwargs(url, kwargs)
        if expected_status is None:
            expected_status = 302 if expected_redirect is not None else 200
        response = self.client.get(url, **kwargs)
        self._check(url, response, expected_status, expected_redirect, pages=(200,))
        return response

    def get_page(self, url: str, expected_status: int = 200, **kwargs) -> Page:
        """The page at the URL or endpoint, parsed (after the same checks as `get`)."""
        response = self.get(url, expected_status, **kwargs)
        assert response.mimetype == "text/html", (url, response.mimetype)
        return response.page

    def post(
        self,
        url: str,
        data: dict | None = None,
        expected_status: int | None = None,
        form_url: str | None = None,
        expected_redirect: str | None = None,
        **endpoint_values,
    ):
        """Posts a form with the CSRF token from the page the form is on (url unless form_url); url
        and form_url may be endpoint names, built with `endpoint_values`."""
        url, _ = self._url_and_client_kwargs(url, endpoint_values)
        if form_url is not None:
            form_url, _ = self._url_and_client_kwargs(form_url, endpoint_values)
        if expected_status is None:
            expected_status = 302
        page = self.client.get(form_url or url)
        token = csrf_token_in(page.get_data(as_text=True))
        response = self.client.post(url, data={"csrf_token": token, **(data or {})})
        self._check(url, response, expected_status, expected_redirect, pages=(200, 400, 429))
        return response

    def _url_and_client_kwargs(self, url: str, kwargs: dict) -> tuple[str, dict]:
        if is_url(url):
            return url, kwargs
        return self.url_for(url, **kwargs), {}

    def _check(self, url: str, response, expected_status: int, expected_redirect: str | None, pages) -> None:
        status = response.status_code
        assert status == expected_status, (url, status, response.location)
        if 300 <= status < 400:
            assert expected_redirect is not None, (
                f"{url} redirects to {response.location}: say where it goes (expected_redirect=)"
            )
            self.assert_redirects_to(response.location, expected_redirect)
        else:
            assert expected_redirect is None, f"{url} answered {status}, not a redirect to {expected_redirect}"
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            if status in pages:
                check_page(html)
            response.page = Page(html)

    def assert_redirects_to(self, location: str | None, expected: str) -> None:
        """The Location is the URL stated (exactly, query string too) or one of the endpoint's URLs."""
        assert location is not None, "a redirect without a Location"
        if is_url(expected):
            assert location == expected, f"redirected to {location}, not {expected}"
            return
        parts = urlsplit(location)
        adapter = self.client.application.url_map.bind("localhost")
        try:
            endpoint, _values = adapter.match(parts.path, method="GET")
        except HTTPException:
            endpoint = None
        assert endpoint == expected, f"redirected to {location} ({endpoint}), not to {expected}"


def is_url(url_or_endpoint: str) -> bool:
    return url_or_endpoint.startswith(("/", "http://", "https://"))


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
