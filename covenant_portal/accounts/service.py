"""Account rules: identity, login with throttling, and account lifecycle.

Every function takes the session and an explicit `now`; those that change state write an audit
event and commit.
"""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import LoginAttempt, Role, User
from covenant_portal.accounts.passwords import hash_password, password_problem, verify_password
from covenant_portal.audit.service import Actor
from covenant_portal.db import get_session


class AccountError(Exception):
    """A rule about accounts was broken; the message is fit to show the user."""


class LoginThrottled(AccountError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def user_for_session(identifier: str) -> User | None:
    """Flask-Login's loader: the id and session version must both match an active user."""
    user_id, _, version = identifier.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def _recent_failures(session: Session, column, value: str, now: datetime) -> int:
    window_start = now - timedelta(minutes=int(current_app.config["LOGIN_THROTTLE_WINDOW_MINUTES"]))
    return session.scalar(
        select(func.count(LoginAttempt.id)).where(
            column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at >= window_start
        )
    )


def _is_throttled(session: Session, email: str, ip_address: str, now: datetime) -> bool:
    config = current_app.config
    return (
        _recent_failures(session, LoginAttempt.email, email, now) >= int(config["LOGIN_MAX_FAILURES_PER_ACCOUNT"])
        or _recent_failures(session, LoginAttempt.ip_address, ip_address, now)
        >= int(config["LOGIN_MAX_FAILURES_PER_IP"])
    )


def authenticate(session: Session, email: str, password: str, actor: Actor, now: datetime) -> User | None:
    """The user if the email and password match an active account; None otherwise.

    The same answer (None) is given for an unknown email, a wrong password and an account not yet
    verified or deactivated, so login does not reveal which accounts exist.
    """
    email = normalise_email(email)
    ip_address = actor.ip_address or "unknown"
    if _is_throttled(session, email, ip_address, now):
        raise LoginThrottled(
            "There have been too many attempts to sign in. Wait 15 minutes, then try again, "
            "or reset your password."
        )
    user = find_user_by_email(session, email)
    succeeded = verify_password(user.password_hash if user else None, password) and user.is_active
    session.add(LoginAttempt(email=email, ip_address=ip_address, succeeded=succeeded, created_at=now))
    if succeeded:
        user.last_login_at = now
        audit.record(session, Actor(user.id, actor.ip_address, actor.user_agent), "user.logged_in", user, now)
    session.commit()
    return user if succeeded else None


def check_new_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)


def create_admin(session: Session, email: str, full_name: str, password: str, now: datetime) -> User:
    """The first admin, made from the command line (later admins are invited)."""
    check_new_password(password)
    if find_user_by_email(session, email) is not None:
        raise AccountError(f"An account with the email {normalise_email(email)} already exists")
    user = User(
        email=normalise_email(email),
        full_name=full_name,
        job_title="Portal administrator",
        role=Role.ADMIN,
        password_hash=hash_password(password),
        email_verified_at=now,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(session, audit.service.SYSTEM, "user.admin_created", user, now)
    session.commit()
    return user
