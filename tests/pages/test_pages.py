import pytest

from covenant_portal.access import Role
from tests.factories import create_user


@pytest.mark.parametrize("url", ["/", "/accessibility", "/privacy", "/cookies", "/sign-in"])
def test_public_pages_render_for_anyone(client_request, url):
    client_request.get(url)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_its_own_dashboard(client_request, db_session, role):
    user = create_user(db_session, role=role)
    client_request.login(user)
    html = client_request.get("/dashboard").get_data(as_text=True)
    assert role.label in html
    assert user.full_name in html


def test_dashboard_sends_anonymous_users_to_sign_in(client_request):
    response = client_request.get("/dashboard", expected_status=302)
    assert response.location.startswith("/sign-in?next=")
