"""Emailed links expire after EMAIL_TOKEN_MAX_AGE_HOURS and stop working once used."""

from datetime import timedelta

import pytest

from covenant_portal.access import Role
from flask import current_app

from covenant_portal.accounts.tokens import LinkProblem, Purpose, make_token, user_for_token
from covenant_portal.db import utcnow
from covenant_portal.mail.links import Links
from tests.factories import create_user


def links() -> Links:
    """The links of the app as it is configured now."""
    return Links.from_app(current_app)


def problem_with(session, token, purpose, now) -> str:
    with pytest.raises(LinkProblem) as raised:
        user_for_token(session, links(), token, purpose, now)
    return raised.value.reason


def test_a_link_works_until_it_is_48_hours_old(db_session):
    user = create_user(db_session, Role.PROVIDER, email_verified_at=None)
    made_at = utcnow()
    token = make_token(links(), user, Purpose.VERIFY_EMAIL, made_at)
    assert user_for_token(db_session, links(), token, Purpose.VERIFY_EMAIL, made_at + timedelta(hours=48)) == user
    assert problem_with(db_session, token, Purpose.VERIFY_EMAIL, made_at + timedelta(hours=48, seconds=1)) == "expired"


def test_the_lifetime_is_configurable(app, db_session):
    app.config["EMAIL_TOKEN_MAX_AGE_HOURS"] = 1
    user = create_user(db_session, Role.PROVIDER, email_verified_at=None)
    made_at = utcnow()
    token = make_token(links(), user, Purpose.VERIFY_EMAIL, made_at)
    assert problem_with(db_session, token, Purpose.VERIFY_EMAIL, made_at + timedelta(minutes=61)) == "expired"


def test_a_link_is_used_up_when_the_state_it_was_made_for_changes(db_session):
    user = create_user(db_session, Role.PROVIDER)
    now = utcnow()
    token = make_token(links(), user, Purpose.RESET_PASSWORD, now)
    user.session_version += 1
    assert problem_with(db_session, token, Purpose.RESET_PASSWORD, now) == "used"


def test_each_link_is_distinct_even_within_a_second(db_session):
    user = create_user(db_session, Role.PROVIDER)
    now = utcnow()
    assert make_token(links(), user, Purpose.RESET_PASSWORD, now) != make_token(
        links(), user, Purpose.RESET_PASSWORD, now
    )


@pytest.mark.parametrize("purpose", [Purpose.RESET_PASSWORD, Purpose.CHANGE_EMAIL, Purpose.ACTIVATE])
def test_a_link_only_works_for_its_own_purpose(db_session, purpose):
    user = create_user(db_session, Role.PROVIDER, email_verified_at=None)
    now = utcnow()
    token = make_token(links(), user, Purpose.VERIFY_EMAIL, now)
    assert problem_with(db_session, token, purpose, now) == "invalid"


def test_tampered_links_and_deactivated_accounts_are_refused(db_session):
    user = create_user(db_session, Role.PROVIDER)
    now = utcnow()
    token = make_token(links(), user, Purpose.RESET_PASSWORD, now)
    tampered = ("f" if token[0] != "f" else "e") + token[1:]
    assert problem_with(db_session, tampered, Purpose.RESET_PASSWORD, now) == "invalid"
    assert problem_with(db_session, "garbage", Purpose.RESET_PASSWORD, now) == "invalid"
    user.deactivated_at = now
    assert problem_with(db_session, token, Purpose.RESET_PASSWORD, now) == "invalid"


def test_links_are_absolute_on_the_base_url(app, db_session):
    app.config["BASE_URL"] = "https://portal.example.org/"
    assert links().url("accounts.reset_password", token="abc") == "https://portal.example.org/reset-password/abc"
