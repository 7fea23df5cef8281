"""Requests every route as every persona and checks the status; a route with no entry fails."""

import pytest
from flask import Blueprint

from covenant_portal.access import public, rule_for
from tests.authorization.matrix import (
    PERSONAS,
    Route,
    all_routes,
    missing_routes,
    served_routes,
    unknown_entries,
)
from tests.authorization.module_world import db_connection, world, world_transaction  # noqa: F401 (fixtures)
from tests.conftest import ClientRequest

ROUTES = all_routes()


@pytest.fixture
def app(app):
    # CSRF is tested elsewhere; here it would hide the access decision behind a 400 (the setting is
    # put back after each test, with the rest of the shared app's config).
    app.config["WTF_CSRF_ENABLED"] = False
    return app


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
