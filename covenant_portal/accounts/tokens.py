"""Signed links sent by email: time-limited and single-use.

A token carries the user's id and a fingerprint of the account state its action changes (for a
password reset: the current password hash and session version). Once the action is done the
state differs, so the same link is refused: no table of used tokens is needed. The signing
clock is the caller's `now`, so expiry is testable without touching the system clock. The secret
and the lifetime come from the caller's `Links` (mail/links.py).
"""

import hashlib
import hmac
import secrets
from datetime import datetime
from enum import StrEnum

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.mail.links import Links


class Purpose(StrEnum):
    """What a link is for; each purpose signs with its own salt so links cannot be swapped."""

    VERIFY_EMAIL = "verify-email"
    RESET_PASSWORD = "reset-password"
    CHANGE_EMAIL = "change-email"
    ACTIVATE = "activate"


class LinkProblem(Exception):
    """A link cannot be used; `reason` is one of 'expired', 'used' or 'invalid'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _state(user: User, purpose: Purpose) -> str:
    """The account state a link of this purpose is bound to (it changes when the link is used)."""
    if purpose is Purpose.VERIFY_EMAIL:
        return f"{user.email}|{user.email_verified_at is None}"
    if purpose is Purpose.RESET_PASSWORD:
        return f"{user.password_hash}|{user.session_version}"
    if purpose is Purpose.CHANGE_EMAIL:
        return f"{user.email}|{user.pending_email}"
    return f"{user.email}|{user.password_hash is None}"


def _fingerprint(user: User, purpose: Purpose) -> str:
    return hashlib.sha256(f"{purpose}|{user.id}|{_state(user, purpose)}".encode()).hexdigest()[:32]


class _SignerAt(TimestampSigner):
    """A timestamp signer whose clock is the `now` it is given."""

    def __init__(self, *args, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now

    def get_timestamp(self) -> int:
        return int(self.now.timestamp())


def _serializer(links: Links, purpose: Purpose, now: datetime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        links.secret_key,
        salt=f"covenant-portal/{purpose}",
        signer=_SignerAt,
        signer_kwargs={"now": now},
    )


def make_token(links: Links, user: User, purpose: Purpose, now: datetime) -> str:
    # The nonce makes every link distinct, so a second request within a second is a new email.
    payload = {"user": user.id, "state": _fingerprint(user, purpose), "nonce": secrets.token_urlsafe(6)}
    return _serializer(links, purpose, now).dumps(payload)


def user_for_token(session: Session, links: Links, token: str, purpose: Purpose, now: datetime) -> User:
    """The user a valid, unexpired, unused link of this purpose was made for; else LinkProblem."""
    try:
        payload = _serializer(links, purpose, now).loads(token, max_age=int(links.token_max_age.total_seconds()))
    except SignatureExpired as error:
        raise LinkProblem("expired") from error
    except BadSignature as error:
        raise LinkProblem("invalid") from error
    user = session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    if user is None:
        raise LinkProblem("invalid")
    if user.deactivated_at is not None:
        raise LinkProblem("invalid")
    if not hmac.compare_digest(str(payload.get("state")), _fingerprint(user, purpose)):
        raise LinkProblem("used")
    return user


def token_fingerprint(token: str) -> str:
    """A short, stable name for a token, for outbox dedupe keys (the token itself stays secret)."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]
