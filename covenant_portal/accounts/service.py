"""Account rules: identity, login (throttled by accounts/throttle.py), sign-up, and what people do to their own account.

Every function takes the session, its settings (`Links` for emailed links, `PasswordSettings` for
hashing) and an explicit `now`; those that change state write an audit event and commit. Answers to
the public never reveal whether an email address has an account.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import LoginAttempt, ProviderOrganisation, User, is_active_organisation_admin
from covenant_portal.access import Role
from covenant_portal.accounts.throttle import ThrottleSettings, is_throttled, throttled_message
from covenant_portal.accounts.passwords import PasswordSettings, hash_password, password_problem, verify_password
from covenant_portal.accounts.tokens import Purpose, make_token, token_fingerprint, user_for_token
from covenant_portal.audit.service import Actor
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_email


class AccountError(Exception):
    """A rule about accounts was broken; the message is fit to show the user."""


class FieldError(AccountError):
    """A rule about one form field was broken; `field` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class LoginThrottled(AccountError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def signer_and_organisation_admins(session: Session, organisation_id: int, signer: User) -> list[tuple[int, str]]:
    """(user id, email) of whoever signed for an organisation and of its organisation admins, each
    once, by user id: who is told of a signed record."""
    recipients = {signer.id: signer.email}
    for admin in session.scalars(
        select(User).where(User.organisation_id == organisation_id, *is_active_organisation_admin())
    ):
        recipients.setdefault(admin.id, admin.email)
    return sorted(recipients.items())


def acting_as(actor: Actor, user: User) -> Actor:
    """The actor once we know who they are (a link or a login proves it), from the same place."""
    return Actor(user.id, actor.ip_address, actor.user_agent)


def authenticate(
    session: Session,
    throttle: ThrottleSettings,
    passwords: PasswordSettings,
    email: str,
    password: str,
    actor: Actor,
    now: datetime,
) -> User | None:
    """The user if the email and password match an active account; None otherwise.

    The same answer (None) is given for an unknown email, a wrong password and an account not yet
    verified or deactivated, so login does not reveal which accounts exist.
    """
    email = normalise_email(email)
    ip_address = actor.ip_address or "unknown"
    if is_throttled(session, throttle, email, ip_address, now):
        raise LoginThrottled(throttled_message(throttle))
    user = find_user_by_email(session, email)
    succeeded = verify_password(passwords, user.password_hash if user else None, password) and user.is_active
    session.add(LoginAttempt(email=email, ip_address=ip_address, succeeded=succeeded, created_at=now))
    if succeeded:
        user.last_login_at = now
        audit.record(session, acting_as(actor, user), "user.logged_in", user, now)
    session.commit()
    return user if succeeded else None


def check_new_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise FieldError("password", problem)


def _set_password(passwords: PasswordSettings, user: User, password: str) -> None:
    """A new password ends every other session and remember-me cookie of the user."""
    check_new_password(password)
    user.password_hash = hash_password(passwords, password)
    user.session_version += 1


def link_hours(links: Links) -> int:
    return int(links.token_max_age.total_seconds() // 3600)


def queue_link_email(
    session: Session,
    links: Links,
    user: User,
    purpose: Purpose,
    endpoint: str,
    now: datetime,
    *,
    to: str,
    subject: str,
    template: str,
    **context,
) -> str:
    """Email `to` a fresh single-use link of this purpose; each link is a new message.

    Returns the link's fingerprint, which names the message in the outbox.
    """
    token = make_token(links, user, purpose, now)
    fingerprint = token_fingerprint(token)
    queue_email(
        session,
        to=to,
        subject=subject,
        template=template,
        dedupe_key=f"{purpose}:{user.id}:{fingerprint}",
        now=now,
        user=user,
        link=links.url(endpoint, token=token),
        hours=link_hours(links),
        **context,
    )
    return fingerprint


def queue_verification_email(session: Session, links: Links, user: User, now: datetime) -> None:
    queue_link_email(
        session,
        links,
        user,
        Purpose.VERIFY_EMAIL,
        "accounts.verify_email",
        now,
        to=user.email,
        subject="Confirm your email address",
        template="verify_email",
    )


# Sign-up


@dataclass(frozen=True)
class SignUp:
    organisation_name: str
    companies_house_number: str | None
    charity_number: str | None
    ofsted_provider_urn: str | None
    full_name: str
    job_title: str
    email: str
    password: str


def sign_up(
    session: Session, links: Links, passwords: PasswordSettings, details: SignUp, actor: Actor, now: datetime
) -> None:
    """Register a provider organisation and its first user, its organisation admin, unverified.

    If the email already has an account, its owner is told someone tried to sign up with it
    instead; the caller shows the same page either way, so sign-up reveals no accounts.
    """
    check_new_password(details.password)
    # Hash before looking the address up, so both paths take the same time.
    password_hash = hash_password(passwords, details.password)
    email = normalise_email(details.email)
    user = None
    if find_user_by_email(session, email) is None:
        user = _create_provider_admin(session, details, email, password_hash, now)
    if user is None:
        _tell_owner_of_sign_up_attempt(session, links, find_user_by_email(session, email), actor, now)
    else:
        audit.record(session, acting_as(actor, user), "user.signed_up", user, now, organisation_id=user.organisation_id)
        queue_verification_email(session, links, user, now)
    session.commit()


def _create_provider_admin(
    session: Session, details: SignUp, email: str, password_hash: str, now: datetime
) -> User | None:
    """The new user, or None if the address was taken meanwhile by a concurrent sign-up."""
    organisation = ProviderOrganisation(
        name=details.organisation_name,
        companies_house_number=details.companies_house_number or None,
        charity_number=details.charity_number or None,
        ofsted_provider_urn=details.ofsted_provider_urn or None,
        created_at=now,
    )
    user = User(
        email=email,
        full_name=details.full_name,
        job_title=details.job_title,
        role=Role.PROVIDER,
        organisation=organisation,
        is_organisation_admin=True,
        password_hash=password_hash,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        return None
    return user


def _tell_owner_of_sign_up_attempt(session: Session, links: Links, owner: User, actor: Actor, now: datetime) -> None:
    # One warning an hour at most, so repeated attempts cannot flood the owner's inbox.
    queue_email(
        session,
        to=owner.email,
        subject="Someone tried to create an account with your email address",
        template="sign_up_existing_account",
        dedupe_key=f"sign-up-existing-account:{owner.id}:{now:%Y-%m-%dT%H}",
        now=now,
        user=owner,
        sign_in_link=links.url("accounts.login"),
        reset_link=links.url("accounts.forgotten_password"),
    )
    audit.record(session, actor, "user.sign_up_with_existing_email", owner, now)


# Email verification


def verify_email(session: Session, links: Links, token: str, actor: Actor, now: datetime) -> User:
    """Marks the address of the link's user as verified; raises LinkProblem for a bad link."""
    user = user_for_token(session, links, token, Purpose.VERIFY_EMAIL, now)
    user.email_verified_at = now
    audit.record(session, acting_as(actor, user), "user.email_verified", user, now)
    session.commit()
    return user


# Forgotten password (asking for a link: accounts/email_requests.py)


def user_for_reset_link(session: Session, links: Links, token: str, now: datetime) -> User:
    return user_for_token(session, links, token, Purpose.RESET_PASSWORD, now)


def reset_password(
    session: Session, links: Links, passwords: PasswordSettings, token: str, password: str, actor: Actor, now: datetime
) -> User:
    """Sets a new password from a reset link; following the link also proves the address."""
    user = user_for_reset_link(session, links, token, now)
    actor = acting_as(actor, user)
    _set_password(passwords, user, password)
    # Resetting is what the owner does if someone else got in: cancel any email change they started.
    user.pending_email = None
    if user.email_verified_at is None:
        user.email_verified_at = now
        audit.record(session, actor, "user.email_verified", user, now)
    audit.record(session, actor, "user.password_reset", user, now)
    _queue_password_changed_notice(session, links, user, now)
    session.commit()
    return user


def _queue_password_changed_notice(session: Session, links: Links, user: User, now: datetime) -> None:
    queue_email(
        session,
        to=user.email,
        subject="Your password has been changed",
        template="password_changed",
        dedupe_key=f"password-changed:{user.id}:{user.session_version}",
        now=now,
        user=user,
        reset_link=links.url("accounts.forgotten_password"),
    )


# Changes a signed-in user makes to their own account


def change_password(
    session: Session,
    links: Links,
    passwords: PasswordSettings,
    user: User,
    current_password: str,
    new_password: str,
    actor: Actor,
    now: datetime,
) -> None:
    if not verify_password(passwords, user.password_hash, current_password):
        raise FieldError("current_password", "Your current password is not correct")
    _set_password(passwords, user, new_password)
    audit.record(session, actor, "user.password_changed", user, now)
    _queue_password_changed_notice(session, links, user, now)
    session.commit()


def request_email_change(
    session: Session,
    links: Links,
    passwords: PasswordSettings,
    user: User,
    password: str,
    new_email: str,
    actor: Actor,
    now: datetime,
) -> None:
    """Keeps the new address pending and emails it a confirmation link; warns the old address.

    Whether another account already uses the new address is only checked when the link is
    followed, so this form cannot be used to find out which addresses have accounts.
    """
    if not verify_password(passwords, user.password_hash, password):
        raise FieldError("password", "Your password is not correct")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise FieldError("email", "Enter a new email address, not the one you use now")
    user.pending_email = new_email
    fingerprint = queue_link_email(
        session,
        links,
        user,
        Purpose.CHANGE_EMAIL,
        "accounts.confirm_email_change",
        now,
        to=new_email,
        subject="Confirm your new email address",
        template="change_email_confirm",
    )
    queue_email(
        session,
        to=user.email,
        subject="A change of email address was requested for your account",
        template="change_email_notice",
        dedupe_key=f"change-email-notice:{user.id}:{fingerprint}",
        now=now,
        user=user,
        new_email=new_email,
        reset_link=links.url("accounts.forgotten_password"),
    )
    audit.record(session, actor, "user.email_change_requested", user, now, new_email=new_email)
    session.commit()


def confirm_email_change(session: Session, links: Links, token: str, actor: Actor, now: datetime) -> User:
    """Applies the pending address the link was sent to; the link proves its owner controls it."""
    user = user_for_token(session, links, token, Purpose.CHANGE_EMAIL, now)
    actor = acting_as(actor, user)
    old_email, new_email = user.email, user.pending_email
    user.pending_email = None
    if not _take_email(session, user, new_email):
        audit.record(session, actor, "user.email_change_refused", user, now, new_email=new_email)
        session.commit()
        raise AccountError(
            "We could not change your email address. Sign in with your current email address, "
            "or contact the portal team."
        )
    user.email_verified_at = now
    audit.record(session, actor, "user.email_changed", user, now, old_email=old_email, new_email=new_email)
    session.commit()
    return user


def _take_email(session: Session, user: User, email: str) -> bool:
    """Gives the user this address unless another account has it (checked by the unique index too)."""
    if find_user_by_email(session, email) is not None:
        return False
    try:
        with session.begin_nested():
            user.email = email
    except IntegrityError:
        return False
    return True
