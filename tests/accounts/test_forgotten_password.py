"""Someone who has forgotten their password gets a link by email and chooses a new one."""

from covenant_portal.access import Role
from covenant_portal.db import utcnow
from tests.accounts.outbox import audit_actions, emails_to, last_email_to, link_in
from tests.factories import PASSWORD, create_user

NEW_PASSWORD = "a brand new and long passphrase"


def ask_for_reset(client_request, email):
    return client_request.post(
        "/forgotten-password", {"email": email}, expected_redirect="/forgotten-password/check-your-email"
    )


def test_the_sign_in_page_links_to_forgotten_password(client_request):
    html = client_request.get("/sign-in").get_data(as_text=True)
    assert 'href="/forgotten-password"' in html
    assert "I have forgotten my password" in html


def test_resetting_a_forgotten_password(client_request, another_browser, db_session):
    user = create_user(db_session, Role.LA_CONTACT)
    another_browser.login(user)
    another_browser.get("/dashboard")

    response = ask_for_reset(client_request, user.email.upper())
    assert response.location == "/forgotten-password/check-your-email"
    email = last_email_to(db_session, user.email)
    assert email.subject == "Reset your password"
    link = link_in(email, "/reset-password/")

    client_request.get(link)
    response = client_request.post(
        link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, expected_redirect="/sign-in"
    )
    assert response.location == "/sign-in"
    assert "Your password has been changed" in client_request.get("/sign-in").get_data(as_text=True)

    # The old password no longer works, the new one does, and other sessions have ended.
    client_request.post("/sign-in", {"email": user.email, "password": PASSWORD}, expected_status=400)
    assert (
        client_request.post(
            "/sign-in", {"email": user.email, "password": NEW_PASSWORD}, expected_redirect="/dashboard"
        ).location
        == "/dashboard"
    )
    assert another_browser.get(
        "/dashboard", expected_status=302, expected_redirect="accounts.login"
    ).location.startswith("/sign-in")
    assert last_email_to(db_session, user.email).subject == "Your password has been changed"
    assert "user.password_reset" in audit_actions(db_session, user)


def test_a_reset_link_works_only_once(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER)
    ask_for_reset(client_request, user.email)
    link = link_in(last_email_to(db_session, user.email), "/reset-password/")
    client_request.post(
        link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, expected_redirect="/sign-in"
    )
    html = client_request.get(link, expected_status=400).get_data(as_text=True)
    assert "This link has already been used" in html
    assert 'href="/forgotten-password"' in html


def test_an_older_reset_link_stops_working_once_the_password_changes(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER)
    ask_for_reset(client_request, user.email)
    ask_for_reset(client_request, user.email)
    older, newer = (link_in(message, "/reset-password/") for message in emails_to(db_session, user.email))
    assert older != newer
    client_request.post(
        newer, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, expected_redirect="/sign-in"
    )
    client_request.get(older, expected_status=400)


def test_asking_for_a_reset_reveals_no_accounts(client_request, db_session):
    user = create_user(db_session, Role.ADMIN)
    known = ask_for_reset(client_request, user.email)
    known_page = client_request.get(known.location).get_data(as_text=True)
    unknown = ask_for_reset(client_request, "nobody@example.org")
    unknown_page = client_request.get(unknown.location).get_data(as_text=True)
    assert known.location == unknown.location
    assert known_page.replace(user.email, "ADDRESS") == unknown_page.replace("nobody@example.org", "ADDRESS")
    assert len(emails_to(db_session, user.email)) == 1
    assert emails_to(db_session, "nobody@example.org") == []


def test_a_deactivated_account_gets_no_reset_link(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER, deactivated_at=utcnow())
    ask_for_reset(client_request, user.email)
    assert emails_to(db_session, user.email) == []


def test_a_new_password_must_meet_the_policy_and_match(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER)
    ask_for_reset(client_request, user.email)
    link = link_in(last_email_to(db_session, user.email), "/reset-password/")
    response = client_request.post(link, {"password": "short", "confirm_password": "shorter"}, expected_status=400)
    html = response.get_data(as_text=True)
    assert "Password must be 12 characters or more" in html
    assert "Passwords do not match" in html
    # The link still works after a mistake.
    client_request.post(
        link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, expected_redirect="/sign-in"
    )


def test_following_a_reset_link_confirms_the_address(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER, email_verified_at=None)
    ask_for_reset(client_request, user.email)
    link = link_in(last_email_to(db_session, user.email), "/reset-password/")
    client_request.post(
        link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, expected_redirect="/sign-in"
    )
    db_session.refresh(user)
    assert user.email_verified_at is not None
    assert (
        client_request.post(
            "/sign-in", {"email": user.email, "password": NEW_PASSWORD}, expected_redirect="/dashboard"
        ).location
        == "/dashboard"
    )


def test_resetting_cancels_an_email_change_someone_else_started(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER, pending_email="intruder@example.org")
    ask_for_reset(client_request, user.email)
    client_request.post(
        link_in(last_email_to(db_session, user.email), "/reset-password/"),
        {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        expected_redirect="/sign-in",
    )
    db_session.refresh(user)
    assert user.pending_email is None
