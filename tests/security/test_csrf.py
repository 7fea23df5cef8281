"""Every form needs the CSRF token of the person's own session; without it the person is told
their form expired (what they typed cannot be kept, as the token is checked before the form)."""

import pytest

from covenant_portal.access import rule_for
from covenant_portal.access import Role
from tests.authorization.module_world import db_connection, world, world_transaction  # noqa: F401 (fixtures)
from tests.authorization.matrix import all_routes, people
from tests.conftest import check_page, csrf_token_in
from tests.factories import PASSWORD, create_user

# Witnesses' scripts post their cosignatures with no form: the body carries its own signature, which
# only a registered witness key can make (tests/signing/test_witness.py), so it is exempt from CSRF.
NOT_FORMS = {"signing.add_cosignatures"}
POST_ROUTES = [route for route in all_routes() if route.method == "POST" and route.endpoint not in NOT_FORMS]


def test_signing_in_without_a_token_is_refused_with_a_form_expired_page(client_request, db_session):
    user = create_user(db_session, Role.ADMIN)
    response = client_request.client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page(html)
    assert "Your form expired" in html
    assert "Go back, refresh the page and try again." in html


def test_a_token_from_another_session_is_refused(client_request, db_session, app):
    user = create_user(db_session, Role.ADMIN)
    someone_else = app.test_client()
    their_token = csrf_token_in(someone_else.get("/sign-in").get_data(as_text=True))
    response = client_request.client.post(
        "/sign-in", data={"csrf_token": their_token, "email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("route", POST_ROUTES, ids=lambda route: route.endpoint)
def test_every_form_refuses_a_post_without_a_token(app, world, client_request, route):
    rule = rule_for(app, route.endpoint)
    permitted = [user for user in people(world) if rule.permits(user)]
    if not rule.is_public:
        # Someone allowed to use the form, so that access is not what refuses the post.
        client_request.login(permitted[0])
    response = client_request.client.post(route.url.format(w=world), data=route.data)
    assert response.status_code == 400, (route.endpoint, response.status_code, response.location)
    assert "Your form expired" in response.get_data(as_text=True)
