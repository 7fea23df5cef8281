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
from tests.conftest import ClientRequest, make_app

ROUTES = all_routes()


@pytest.fixture(scope="module")
def app(migrated_engine, database_url):
    # CSRF is tested elsewhere; here it would hide the access decision behind a 400. One app for the
    # module: making an app compiles every URL rule, which would cost a minute over these tests.
    return make_app(database_url, WTF_CSRF_ENABLED=False)


@pytest.fixture
def world(db_session):
    return build_world(db_session)


def test_every_route_is_in_the_matrix(app):
    missing = missing_routes(app, ROUTES)
    assert not missing, f"routes missing from the authorization matrix: {missing}"


def test_every_matrix_entry_is_a_route_of_the_app(app):
    unknown = unknown_entries(app, ROUTES)
    assert not unknown, f"matrix entries for routes the app does not have: {unknown}"


def test_the_coverage_check_names_a_route_left_out(app):
    # A matrix complete for the app as it is, whatever other areas have listed so far.
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
