"""Passwords are stored as argon2id hashes and must be long and uncommon."""

import pytest
from sqlalchemy import select

from covenant_portal.accounts.models import User
from covenant_portal.accounts.passwords import PasswordSettings, hash_password, password_problem, verify_password
from covenant_portal.accounts.management import create_admin
from covenant_portal.accounts.service import AccountError
from covenant_portal.db import utcnow


def test_passwords_are_stored_as_argon2id_hashes(app, db_session):
    passwords = PasswordSettings.from_config(app.config)
    create_admin(
        db_session, passwords, "first.admin@gm-first.example", "First Admin", "a long and unusual phrase", utcnow()
    )
    stored = db_session.scalar(select(User.password_hash).where(User.email == "first.admin@gm-first.example"))
    assert stored.startswith("$argon2id$")
    assert "a long and unusual phrase" not in stored
    assert verify_password(passwords, stored, "a long and unusual phrase")
    assert not verify_password(passwords, stored, "a long and unusual phrasE")


def test_the_same_password_hashes_differently_each_time():
    settings = PasswordSettings()
    assert hash_password(settings, "a long and unusual phrase") != hash_password(settings, "a long and unusual phrase")


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short1!", "Password must be 12 characters or more"),
        ("elevenchars", "Password must be 12 characters or more"),
        ("123456789qwerty", "Password is too common: choose one that would be hard to guess"),
        ("1Q2W3E4R5T6Y", "Password is too common: choose one that would be hard to guess"),
    ],
)
def test_short_and_common_passwords_are_refused_with_a_reason(db_session, password, problem):
    assert password_problem(password) == problem
    with pytest.raises(AccountError, match=problem):
        create_admin(db_session, PasswordSettings(), "weak.admin@gm-first.example", "Weak Admin", password, utcnow())


def test_a_long_uncommon_password_is_accepted():
    assert password_problem("twelve chars") is None
