"""Signed-in people change their own password and email address."""

from covenant_portal.access import Role
from tests.accounts.outbox import audit_actions, emails_to, last_email_to, link_in
from tests.factories import PASSWORD, create_user

NEW_PASSWORD = "another perfectly long passphrase"


def test_the_account_page_links_to_the_changes(client_request, db_session):
    client_request.login(create_user(db_session, Role.PROVIDER))
    html = client_request.get("/account").get_data(as_text=True)
    assert 'href="/account/change-password"' in html
    assert 'href="/account/change-email"' in html


def test_changing_password_keeps_this_browser_signed_in_and_signs_out_the_others(
    client_request, another_browser, db_session
):
    user = create_user(db_session, Role.ESCALATION_OFFICER)
    client_request.login(user)
    another_browser.login(user)
    another_browser.get("/dashboard")

    response = client_request.post(
        "/account/change-password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        expected_redirect="/account",
    )
    assert response.location == "/account"
    assert "Your password has been changed" in client_request.get("/account").get_data(as_text=True)
    assert another_browser.get(
        "/dashboard", expected_status=302, expected_redirect="accounts.login"
    ).location.startswith("/sign-in")
    assert last_email_to(db_session, user.email).subject == "Your password has been changed"
    assert audit_actions(db_session, user) == ["user.password_changed"]

    client_request.post("/sign-out", expected_redirect="/sign-in")
    client_request.post("/sign-in", {"email": user.email, "password": PASSWORD}, expected_status=400)
    assert (
        client_request.post(
            "/sign-in", {"email": user.email, "password": NEW_PASSWORD}, expected_redirect="/dashboard"
        ).location
        == "/dashboard"
    )


def test_a_wrong_current_password_changes_nothing(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER)
    client_request.login(user)
    response = client_request.post(
        "/account/change-password",
        {"current_password": "not my password", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        expected_status=400,
    )
    html = response.get_data(as_text=True)
    assert "Your current password is not correct" in html
    assert NEW_PASSWORD not in html
    db_session.refresh(user)
    assert user.session_version == 1
    assert emails_to(db_session, user.email) == []


def test_a_new_password_must_follow_the_policy(client_request, db_session):
    client_request.login(create_user(db_session, Role.PROVIDER))
    html = client_request.post(
        "/account/change-password",
        {"current_password": "", "password": "password1234", "confirm_password": "password1234"},
        expected_status=400,
    ).get_data(as_text=True)
    assert "Enter your current password" in html
    assert "Password is too common" in html


def test_changing_email_address(client_request, db_session):
    user = create_user(db_session, Role.LA_CONTACT, email="old@bolton.example")
    client_request.login(user)

    response = client_request.post(
        "/account/change-email", {"email": "New@Bolton.example", "password": PASSWORD}, expected_redirect="/account"
    )
    assert response.location == "/account"
    html = client_request.get("/account").get_data(as_text=True)
    assert "We have sent a link to new@bolton.example" in html
    assert "Waiting for you to confirm" in html

    notice = last_email_to(db_session, "old@bolton.example")
    assert "new@bolton.example" in notice.text_body
    assert "/account/confirm-email/" not in notice.text_body
    link = link_in(last_email_to(db_session, "new@bolton.example"), "/account/confirm-email/")

    response = client_request.get(link, expected_status=302, expected_redirect="/account")
    assert response.location == "/account"
    html = client_request.get("/account").get_data(as_text=True)
    assert "Your email address is now new@bolton.example" in html
    assert "Waiting for you to confirm" not in html
    client_request.get(link, expected_status=400)

    client_request.post("/sign-out", expected_redirect="/sign-in")
    response = client_request.post(
        "/sign-in", {"email": "new@bolton.example", "password": PASSWORD}, expected_redirect="/dashboard"
    )
    assert response.location == "/dashboard"
    assert audit_actions(db_session, user)[-3:] == [
        "user.email_change_requested",
        "user.email_changed",
        "user.logged_in",
    ]


def test_the_confirmation_link_works_in_a_browser_that_is_not_signed_in(client_request, another_browser, db_session):
    user = create_user(db_session, Role.PROVIDER)
    client_request.login(user)
    client_request.post(
        "/account/change-email", {"email": "phone@example.org", "password": PASSWORD}, expected_redirect="/account"
    )
    link = link_in(last_email_to(db_session, "phone@example.org"), "/account/confirm-email/")
    assert another_browser.get(link, expected_status=302, expected_redirect="/sign-in").location == "/sign-in"
    db_session.refresh(user)
    assert (user.email, user.pending_email) == ("phone@example.org", None)


def test_an_address_taken_meanwhile_is_not_applied_and_not_revealed(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER)
    client_request.login(user)
    # At request time the address is free or taken: the answer is the same either way.
    taken = create_user(db_session, Role.ADMIN, email="taken@example.org")
    response = client_request.post(
        "/account/change-email", {"email": "taken@example.org", "password": PASSWORD}, expected_redirect="/account"
    )
    assert response.location == "/account"
    client_request.get("/account")
    link = link_in(last_email_to(db_session, "taken@example.org"), "/account/confirm-email/")

    html = client_request.get(link, expected_status=400).get_data(as_text=True)
    assert "Your email address has not been changed" in html
    assert "taken@example.org" not in html
    db_session.refresh(user)
    assert user.email != taken.email
    assert user.pending_email is None
    assert audit_actions(db_session, user)[-1] == "user.email_change_refused"


def test_changing_email_needs_the_password_and_a_different_address(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER)
    client_request.login(user)
    html = client_request.post(
        "/account/change-email", {"email": "elsewhere@example.org", "password": "wrong"}, expected_status=400
    ).get_data(as_text=True)
    assert "Your password is not correct" in html
    assert 'value="elsewhere@example.org"' in html
    html = client_request.post(
        "/account/change-email", {"email": user.email.upper(), "password": PASSWORD}, expected_status=400
    ).get_data(as_text=True)
    assert "Enter a new email address, not the one you use now" in html
    html = client_request.post("/account/change-email", {"email": "", "password": ""}, expected_status=400).get_data(
        as_text=True
    )
    assert "Enter your new email address" in html and "Enter your password" in html
    db_session.refresh(user)
    assert user.pending_email is None
    assert emails_to(db_session, "elsewhere@example.org") == []
