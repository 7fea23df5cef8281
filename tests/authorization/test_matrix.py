"""Requests every route as every persona and checks the status; a route with no entry fails."""
import importlib
import pkgutil
from types import SimpleNamespace

import pytest

import tests
from covenant_portal.access import rule_for
from covenant_portal.accounts.models import Role
from tests.authorization.matrix import PERSONAS, Route
from tests.conftest import ClientRequest, make_app
from tests.factories import create_user


def all_routes() -> list[Route]:
    routes = []
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.endswith(".access_matrix"):
            routes += importlib.import_module(module.name).ROUTES
    return routes


ROUTES = all_routes()


@pytest.fixture
def app(migrated_engine, database_url):
    # CSRF is tested elsewhere; here it would hide the access decision behind a 400.
    return make_app(database_url, WTF_CSRF_ENABLED=False)


@pytest.fixture
def world(db_session):
    provider_a = create_user(db_session, Role.PROVIDER, full_name="Ada of Provider A")
    provider_a_colleague = create_user(
        db_session, Role.PROVIDER, organisation=provider_a.organisation, is_organisation_admin=False
    )
    return SimpleNamespace(
        anonymous=None,
        provider_a=provider_a,
        provider_a_colleague=provider_a_colleague,
        provider_b=create_user(db_session, Role.PROVIDER),
        la_contact=create_user(db_session, Role.LA_CONTACT),
        escalation_officer=create_user(db_session, Role.ESCALATION_OFFICER),
        admin=create_user(db_session, Role.ADMIN),
    )


def test_every_route_is_in_the_matrix(app):
    declared = {(route.endpoint, route.method) for route in ROUTES}
    missing = sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if (rule.endpoint, method) not in declared
    )
    assert not missing, f"routes missing from the authorization matrix: {missing}"


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
