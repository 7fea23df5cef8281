"""Signing in reveals nothing about which accounts exist, follows only same-site `next` paths,
and brings back someone sent to sign in to the page they asked for."""

import re
from urllib.parse import quote

import pytest

from covenant_portal.access import Role
from covenant_portal.db import utcnow
from tests.security.browsers import committed_user, sign_in

WRONG = "Enter a correct email address and password"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="[^"]+"')


def page_without(response, email: str) -> str:
    """The page, but for the email typed and the session's CSRF token."""
    return TOKEN.sub("", response.get_data(as_text=True)).replace(email, "EMAIL")


def test_unknown_wrong_unverified_and_inactive_accounts_get_the_same_answer(committed_app, migrated_engine):
    verified = committed_user(migrated_engine, Role.ADMIN)
    attempts = {
        "unknown email": ("nobody@nowhere.example", "correct horse battery staple"),
        "wrong password": (verified.email, "not the password at all"),
        "unverified": (committed_user(migrated_engine, Role.ADMIN, email_verified_at=None).email, None),
        "deactivated": (committed_user(migrated_engine, Role.ADMIN, deactivated_at=utcnow()).email, None),
        "invited, no password yet": (committed_user(migrated_engine, Role.ADMIN, password_hash=None).email, None),
    }
    pages = {}
    for case, (email, password) in attempts.items():
        if password is None:
            response = sign_in(committed_app.test_client(), email)  # with the right password
        else:
            response = sign_in(committed_app.test_client(), email, password)
        assert response.status_code == 400, case
        assert WRONG in response.get_data(as_text=True), case
        pages[case] = page_without(response, email)
    assert len(set(pages.values())) == 1, "the answers differ"


@pytest.mark.parametrize(
    "next_url",
    [
        "//evil.example",
        "///evil.example",
        "https://evil.example/sign-in",
        "/\t/evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_a_next_url_off_the_site_is_not_followed(committed_app, migrated_engine, next_url):
    user = committed_user(migrated_engine, Role.ADMIN)
    response = sign_in(committed_app.test_client(), user.email, url=f"/sign-in?next={quote(next_url)}")
    assert response.status_code == 302
    assert response.location == "/dashboard"


def test_someone_sent_to_sign_in_comes_back_to_the_page_they_asked_for(committed_app, migrated_engine):
    admin = committed_user(migrated_engine, Role.ADMIN)
    browser = committed_app.test_client()
    asked = browser.get("/admin/audit?action=user.logged_in")
    assert asked.status_code == 302
    assert asked.location == "/sign-in?next=%2Fadmin%2Faudit%3Faction%3Duser.logged_in"
    assert "Sign in to see this page." in browser.get(asked.location).get_data(as_text=True)

    signed_in = sign_in(browser, admin.email, url=asked.location)
    assert signed_in.location == "/admin/audit?action=user.logged_in"
    assert browser.get(signed_in.location).status_code == 200


def test_a_signed_in_user_without_the_role_is_refused_not_sent_to_sign_in(committed_app, migrated_engine):
    browser = committed_app.test_client()
    sign_in(browser, committed_user(migrated_engine, Role.LA_CONTACT).email)
    response = browser.get("/admin/audit")
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.get_data(as_text=True)
