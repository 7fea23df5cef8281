"""Signing in: back to the page you were on, sessions that time out when idle."""

from covenant_portal.access import Role
from tests.factories import PASSWORD, create_user


def test_signing_in_returns_to_the_page_asked_for(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER)
    response = client_request.get("/account/change-email", expected_status=302, expected_redirect="accounts.login")
    assert response.location == "/sign-in?next=%2Faccount%2Fchange-email"
    response = client_request.post(
        response.location, {"email": user.email, "password": PASSWORD}, expected_redirect="/account/change-email"
    )
    assert response.location == "/account/change-email"


def test_a_next_address_on_another_site_is_ignored(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER)
    response = client_request.post(
        "/sign-in?next=//evil.example/", {"email": user.email, "password": PASSWORD}, expected_redirect="/dashboard"
    )
    assert response.location == "/dashboard"


def test_the_session_expires_when_idle_rather_than_with_the_browser(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER)
    response = client_request.post(
        "/sign-in", {"email": user.email, "password": PASSWORD}, expected_redirect="/dashboard"
    )
    session_cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "Expires=" in session_cookie
    # Each request renews it, so the hour counts from the last thing the person did.
    renewed = client_request.get("/dashboard").headers.getlist("Set-Cookie")
    assert any(value.startswith("session=") and "Expires=" in value for value in renewed)


def test_a_signed_out_person_sees_sign_up_in_the_menu(client_request):
    html = client_request.get("/sign-in").get_data(as_text=True)
    assert 'href="/sign-up"' in html
