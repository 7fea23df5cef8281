"""Links asked for on public forms: a new confirmation link, a password reset. Whether or not the
address has an account, the answer is the same and takes the same work: for an address without
one, the email is made for a stand-in account (a link signed, the email rendered and written to the
outbox, the audit event written) and then undone, so timing does not tell whether an account
exists. (Sign-up does the same work either way too: accounts/service.py sign_up.)"""

from datetime import datetime

from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import User
from covenant_portal.accounts.service import (
    find_user_by_email,
    normalise_email,
    queue_link_email,
    queue_verification_email,
)
from covenant_portal.accounts.tokens import Purpose
from covenant_portal.audit.service import Actor
from covenant_portal.access import Role
from covenant_portal.mail.links import Links


def request_password_reset(session: Session, links: Links, email: str, actor: Actor, now: datetime) -> None:
    """Emails a reset link if the address has an account that is not deactivated."""
    user = find_user_by_email(session, email)
    if user is None or user.deactivated_at is not None:
        _undone(session, _queue_reset_link, links, _stand_in(email), actor, now)
    else:
        _queue_reset_link(session, links, user, actor, now)
    session.commit()


def resend_verification(session: Session, links: Links, email: str, actor: Actor, now: datetime) -> None:
    """A new confirmation link, if the address has an account still waiting to be confirmed."""
    user = find_user_by_email(session, email)
    if user is None or user.email_verified_at is not None or user.password_hash is None or user.deactivated_at:
        _undone(session, _queue_confirmation_link, links, _stand_in(email), actor, now)
    else:
        _queue_confirmation_link(session, links, user, actor, now)
    session.commit()


def _queue_reset_link(session: Session, links: Links, user: User, actor: Actor, now: datetime) -> None:
    queue_link_email(
        session,
        links,
        user,
        Purpose.RESET_PASSWORD,
        "accounts.reset_password",
        now,
        to=user.email,
        subject="Reset your password",
        template="reset_password",
    )
    audit.record(session, actor, "user.password_reset_requested", user, now)


def _queue_confirmation_link(session: Session, links: Links, user: User, actor: Actor, now: datetime) -> None:
    queue_verification_email(session, links, user, now)
    audit.record(session, actor, "user.verification_email_resent", user, now)


def _stand_in(email: str) -> User:
    """An account that is never stored, with what a real one has: the work done for it is undone."""
    return User(
        id=0,
        email=normalise_email(email),
        full_name="",
        job_title="",
        role=Role.PROVIDER,
        password_hash="$argon2id$stand-in",
        session_version=1,
    )


def _undone(session: Session, work, *args) -> None:
    """Does `work` as far as the database, then undoes it (a savepoint rolled back)."""
    savepoint = session.begin_nested()
    try:
        work(session, *args)
        session.flush()
    finally:
        savepoint.rollback()
