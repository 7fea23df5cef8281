"""Test kernel: one real database per run (SQLite or PostgreSQL, chosen with --db), built once
by running the migrations; every test runs in a transaction that is rolled back afterwards.

One app serves the whole run (`app`): making an app compiles every URL rule, and its first pages
compile the GOV.UK templates (a second or so), so an app per test would cost minutes. Whatever a
test changes on it (settings, extensions, Jinja globals) is put back after the test (AppSnapshot).
A test that registers blueprints or handlers needs an app of its own: `own_app`, or make_app().

A test marked `seeded_demo` gets `app` and `db_connection` on the demo seeded once for the run, in
a database of its own (tests/seeded_demo.py), still rolled back after the test."""

import copy
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
from werkzeug.utils import cached_property

from covenant_portal import create_app
from covenant_portal.db import create_db_engine, run_start_up_steps, upgrade_database
from covenant_portal.private_files import write_private_file_once
from covenant_portal.signing.keys import new_private_key_pem
from covenant_portal.reference import load_covenant, load_local_authorities
from tests.page import Page

pytest_plugins = ["tests.smtp_server", "tests.browser.fixtures", "tests.seeded_demo"]

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


def pytest_collection_modifyitems(items):
    # Whatever drives Chromium is a browser test, so that `-m browser` / `-m "not browser"` split the
    # suite exactly (make test runs the browser tests as a part of their own).
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory) -> str:
    yield from database_of_its_own(request, tmp_path_factory.mktemp("db") / "test.sqlite", "pytest")


@pytest.fixture
def postgresql(database_url):
    """For a test of simultaneous writers: skipped on SQLite, which allows one writer at a time."""
    if not database_url.startswith("postgresql"):
        pytest.skip("runs with --db postgresql (SQLite allows one writer at a time, so there is no race to test)")


@pytest.fixture
def empty_database_url(request, tmp_path) -> str:
    """A database no migration has touched: a new SQLite file, or a new PostgreSQL schema."""
    yield from database_of_its_own(request, tmp_path / "empty.sqlite", "pytest_empty")


def database_of_its_own(request, sqlite_file: Path, schema_prefix: str):
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
    engine = migrate(database_url)
    yield engine
    engine.dispose()


def migrate(database_url: str) -> sa.Engine:
    """An engine on the database, migrated to the head and given its reference data."""
    engine = create_db_engine(database_url)
    upgrade_database(engine)
    with Session(engine) as session:
        load_local_authorities(session)
        load_covenant(session)
    return engine


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
        # Buffered, as a WSGI server reads a streamed body (a CSV) to the end and closes it while the
        # request is still the current one; a body left unread would be closed later, outside it.
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


class AppSnapshot:
    """What a test may change on a shared app, taken before the test and put back after it: the
    settings (app.config, deep-copied: some are lists and sets), app.extensions (the mail state
    send_due_messages keeps there, the signing key reloaded after a key file changes) and the
    database extension's engine and session factory (db_session replaces the factory), the Jinja
    globals, filters and tests, and any attribute set on the app itself (wsgi_app wrapped, test
    client class). Flask-Login, CSRF and Talisman keep nothing per test on the app: they read the
    settings at each request. What cannot be put back (blueprints, routes, request hooks, error
    handlers) must not change: the test fails, and should use an app of its own."""

    def __init__(self, app):
        self.app = app
        self.config = copy.deepcopy(dict(app.config))
        self.extensions = dict(app.extensions)
        self.database = dict(vars(app.extensions["db"]))
        self.jinja = [dict(getattr(app.jinja_env, name)) for name in ("globals", "filters", "tests")]
        self.attributes = dict(vars(app))
        self.structure = self._structure()

    def _structure(self):
        app = self.app
        return (
            sorted(app.blueprints),
            sorted(app.view_functions),
            sorted(str(rule) for rule in app.url_map.iter_rules()),
            *(
                _registered(getattr(app, name))
                for name in (
                    "before_request_funcs",
                    "after_request_funcs",
                    "teardown_request_funcs",
                    "teardown_appcontext_funcs",
                    "error_handler_spec",
                    "template_context_processors",
                )
            ),
        )

    def restore(self) -> None:
        app = self.app
        assert self._structure() == self.structure, (
            "the test registered blueprints, routes or handlers on the shared app: give it an app of "
            "its own (the own_app fixture, or make_app)"
        )
        app.config.clear()
        app.config.update(self.config)
        app.extensions.clear()
        app.extensions.update(self.extensions)
        database = app.extensions["db"]
        vars(database).clear()
        vars(database).update(self.database)
        for name, saved in zip(("globals", "filters", "tests"), self.jinja):
            current = getattr(app.jinja_env, name)
            current.clear()
            current.update(saved)
        for name in set(vars(app)) - set(self.attributes) - {"_got_first_request"}:
            if not isinstance(getattr(type(app), name, None), cached_property):  # e.g. app.logger: kept
                delattr(app, name)
        for name, value in self.attributes.items():
            if name != "_got_first_request" and vars(app).get(name) is not value:
                setattr(app, name, value)


def _registered(hooks):
    """Flask's hook registries, without the empty entries its lookups add to them (defaultdicts)."""
    if not isinstance(hooks, dict):
        return repr(hooks)
    entries = ((repr(key), _registered(value)) for key, value in hooks.items())
    return sorted((key, value) for key, value in entries if value not in ([], "[]", "()"))


@pytest.fixture(scope="session")
def shared_app(migrated_engine, database_url):
    """The app of the run. Tests take it through `app`, which puts back what they change."""
    return make_app(database_url)


@pytest.fixture
def app(request, shared_app):
    """The run's app (or, for a test marked `seeded_demo`, the seeded demo's); what the test changes
    on it is put back afterwards."""
    app = seeded_demo_of(request).app if reads_seeded_demo(request) else shared_app
    snapshot = AppSnapshot(app)
    yield app
    snapshot.restore()


def reads_seeded_demo(request) -> bool:
    return request.node.get_closest_marker("seeded_demo") is not None


def seeded_demo_of(request):
    return request.getfixturevalue("seeded_demo")


@pytest.fixture
def own_app(migrated_engine, database_url):
    """A new app, for a test that registers blueprints or handlers (which no test may leave behind
    on the shared app, and Flask refuses once an app has served a request)."""
    return make_app(database_url)


def session_factory_on(connection: sa.Connection) -> sessionmaker:
    """Sessions on the test's connection: their commits only release savepoints of its transaction."""
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db_connection(request, migrated_engine):
    """The connection the test's session and its app's requests share, in a transaction that is rolled
    back after the test (on the seeded demo's database for a test marked `seeded_demo`).
    (tests/authorization overrides it: a savepoint in its module's transaction.)"""
    engine = seeded_demo_of(request).engine if reads_seeded_demo(request) else migrated_engine
    connection = engine.connect()
    transaction = connection.begin()
    yield connection
    transaction.rollback()
    connection.close()


@pytest.fixture
def db_session(app, db_connection):
    """The test's session; the app's requests share its connection and transaction."""
    database = app.extensions["db"]
    real_factory = database.session_factory
    database.session_factory = factory = session_factory_on(db_connection)
    session = factory()
    with app.app_context():
        yield session
    session.close()
    database.session_factory = real_factory


@pytest.fixture
def started(app, db_session) -> list[str]:
    """What the portal makes at start-up, before it serves pages (db.run_start_up_steps: the current
    signing key published, the return periods up to today), made in the test's transaction."""
    return run_start_up_steps(app)


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


@pytest.fixture(scope="session")
def shared_committed_app(migrated_engine, database_url):
    """The run's app for tests whose data really commits (kept apart from `shared_app`, whose session
    factory db_session replaces)."""
    return make_app(database_url)


@pytest.fixture
def committed_app(shared_committed_app, migrated_engine):
    """An app whose requests and jobs really commit (for live servers, several processes or
    threads); every table is emptied afterwards, and what the test changed on the app put back."""
    snapshot = AppSnapshot(shared_committed_app)
    yield shared_committed_app
    shared_committed_app.extensions["db"].engine.dispose()
    snapshot.restore()
    reset_committed_data(migrated_engine)
