"""Requests every route as every persona and checks the status; a route with no entry fails."""

import pytest
from flask import Blueprint

from covenant_portal.access import public, rule_for
from tests.authorization.matrix import (
    PERSONAS,
    Route,
    all_routes,
    build_world,
    missing_routes,
    served_routes,
    unknown_entries,
)
from tests.conftest import ClientRequest, session_factory_on

ROUTES = all_routes()


@pytest.fixture
def app(app):
    # CSRF is tested elsewhere; here it would hide the access decision behind a 400 (the setting is
    # put back after each test, with the rest of the shared app's config).
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@pytest.fixture(scope="module")
def world_transaction(migrated_engine, shared_app):
    """The world, built once for the module in a transaction of its own, rolled back at the end."""
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
    """Each test runs in a savepoint of the module's transaction, rolled back after it: the world
    is as built for every test, whatever the one before it did."""
    connection, _world = world_transaction
    savepoint = connection.begin_nested()
    yield connection
    savepoint.rollback()


def test_every_route_is_in_the_matrix(app):
    missing = missing_routes(app, ROUTES)
    assert not missing, f"routes missing from the authorization matrix: {missing}"


def test_every_matrix_entry_is_a_route_of_the_app(app):
    unknown = unknown_entries(app, ROUTES)
    assert not unknown, f"matrix entries for routes the app does not have: {unknown}"


def test_the_coverage_check_names_a_route_left_out(own_app):
    # An app of its own, as it registers a blueprint. A matrix complete for the app as it is,
    # whatever other areas have listed so far.
    app = own_app
    complete = [Route(endpoint, method, rule, {}) for endpoint, method, rule in served_routes(app)]
    assert missing_routes(app, complete) == []
    throwaway = Blueprint("throwaway", __name__)

    @throwaway.route("/throwaway", methods=["GET", "POST"])
    @public
    def view():
        return "nobody listed me"

    app.register_blueprint(throwaway)
    assert missing_routes(app, complete) == [
        ("throwaway.view", "GET", "/throwaway"),
        ("throwaway.view", "POST", "/throwaway"),
    ]
    with_get_listed = complete + [Route("throwaway.view", "GET", "/throwaway", {})]
    assert missing_routes(app, with_get_listed) == [("throwaway.view", "POST", "/throwaway")]


def test_the_coverage_check_names_an_entry_for_no_route(app):
    complete = [Route(endpoint, method, rule, {}) for endpoint, method, rule in served_routes(app)]
    stray = Route("nowhere.view", "GET", "/nowhere", {})
    assert unknown_entries(app, complete + [stray]) == [stray]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.method} {route.endpoint}")
def test_route_answers_each_persona_as_expected(app, world, route, persona):
    client = ClientRequest(app.test_client())
    user = getattr(world, persona)
    if user is not None:
        client.login(user)
    url = route.url.format(w=world)
    response = client.client.open(url, method=route.method, data=route.data)
    assert response.status_code == route.status_for(persona), (persona, route.method, url, response.location)
    if persona == "anonymous" and not rule_for(app, route.endpoint).is_public:
        assert response.location.startswith("/sign-in"), response.location
