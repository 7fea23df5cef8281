"""Session and remember-me cookies: HttpOnly and SameSite=Lax always, Secure in production; the
session ends after SESSION_LIFETIME_MINUTES without a request, "Keep me signed in" outlives it,
and a password change or deactivation ends every session."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.access import Role
from covenant_portal.db import utcnow
from tests.conftest import make_app
from tests.security.browsers import committed_user, sign_in

LONG_SECRET = "0123456789abcdef" * 4


def cookie_attributes(response, name: str) -> list[str]:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return [part.strip() for part in header.split(";")[1:]]
    raise AssertionError(f"no {name} cookie was set")


def test_outside_production_cookies_are_httponly_and_samesite_but_not_secure(committed_app, migrated_engine):
    user = committed_user(migrated_engine, Role.ADMIN)
    response = sign_in(committed_app.test_client(), user.email, remember=True)
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        attributes = cookie_attributes(response, name)
        assert "HttpOnly" in attributes and "SameSite=Lax" in attributes, name
        assert "Secure" not in attributes, name


@pytest.fixture
def production(committed_app, database_url):
    app = make_app(database_url, ENV_NAME="production", SECRET_KEY=LONG_SECRET)
    yield app
    app.extensions["db"].engine.dispose()


def test_in_production_cookies_are_also_secure(production, migrated_engine):
    user = committed_user(migrated_engine, Role.ADMIN)
    response = sign_in(production.test_client(), user.email, remember=True, https=True)
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        attributes = cookie_attributes(response, name)
        assert {"Secure", "HttpOnly", "SameSite=Lax"} <= set(attributes), name


def test_keep_me_signed_in_lasts_thirty_days(committed_app, migrated_engine):
    user = committed_user(migrated_engine, Role.ADMIN)
    browser = committed_app.test_client()
    sign_in(browser, user.email, remember=True)
    remember = browser.get_cookie("remember_token")
    assert remember.expires is not None
    assert abs(remember.expires - (utcnow() + timedelta(days=30))) < timedelta(minutes=1)


def test_a_session_ends_when_idle_and_keep_me_signed_in_outlives_it(committed_app, migrated_engine):
    committed_app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=2)
    user = committed_user(migrated_engine, Role.ADMIN)
    browser, remembered = committed_app.test_client(), committed_app.test_client()
    sign_in(browser, user.email)
    sign_in(remembered, user.email, remember=True)

    for _ in range(3):  # busy for longer than the lifetime: each request starts it again
        time.sleep(1)
        assert browser.get("/account").status_code == 200
    time.sleep(3.2)

    idle = browser.get("/account")
    assert idle.status_code == 302 and idle.location == "/sign-in?next=%2Faccount"
    assert remembered.get("/account").status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"session_version": User.session_version + 1},  # as a password change does
        {"deactivated_at": utcnow()},
    ],
    ids=["password changed", "deactivated"],
)
def test_changing_the_password_or_deactivating_ends_every_session(committed_app, migrated_engine, change):
    user = committed_user(migrated_engine, Role.ADMIN)
    browser, remembered = committed_app.test_client(), committed_app.test_client()
    sign_in(browser, user.email)
    sign_in(remembered, user.email, remember=True)
    with Session(migrated_engine) as session:
        session.execute(update(User).where(User.id == user.id).values(**change))
        session.commit()
    for client in (browser, remembered):
        response = client.get("/account")
        assert response.status_code == 302 and response.location.startswith("/sign-in"), response.location
