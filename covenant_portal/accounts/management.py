"""Managing other people's accounts: the first admin, invitations and their activation, deactivation, teams.

The first admin is made from the command line (`create-admin`). Portal admins invite local authority
contacts, escalation officers and admins; provider organisation admins invite colleagues into their
own organisation. Both may deactivate accounts
(organisation admins only their colleagues'); nobody may deactivate their own.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User, is_active_organisation_admin
from covenant_portal.access import Role
from covenant_portal.accounts.passwords import PasswordSettings, hash_password
from covenant_portal.accounts.service import (
    AccountError,
    FieldError,
    acting_as,
    check_new_password,
    find_user_by_email,
    normalise_email,
    queue_link_email,
)
from covenant_portal.accounts.tokens import Purpose, user_for_token
from covenant_portal.audit.service import Actor
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_email

STAFF_ROLES = (Role.LA_CONTACT, Role.ESCALATION_OFFICER, Role.ADMIN)


@dataclass(frozen=True)
class Invitation:
    full_name: str
    job_title: str
    email: str
    role: Role
    organisation: ProviderOrganisation | None = None
    local_authority: LocalAuthority | None = None
    is_organisation_admin: bool = False


def invite_colleague(
    session: Session,
    links: Links,
    inviter: User,
    full_name: str,
    job_title: str,
    email: str,
    is_organisation_admin: bool,
    actor: Actor,
    now: datetime,
) -> None:
    """A provider organisation admin invites someone into their own organisation.

    An address that already has an account in the inviter's organisation is refused (the team page
    lists that account anyway). An address with an account anywhere else (another provider, a local
    authority, the portal's staff) is not disclosed: nothing is raised, the owner is emailed that
    they were invited and why they cannot be added, the attempt is audited, and the caller shows the
    same message as for an invitation sent."""
    invitation = Invitation(
        full_name,
        job_title,
        email,
        Role.PROVIDER,
        organisation=inviter.organisation,
        is_organisation_admin=is_organisation_admin,
    )
    owner = find_user_by_email(session, email)
    if owner is None:
        user = _add_invited(session, inviter, invitation, now)
        if user is not None:
            _queue_and_record_invitation(session, links, inviter, user, actor, now)
            return
        owner = find_user_by_email(session, email)  # taken meanwhile by a concurrent request
        assert owner is not None
    if owner.organisation_id == inviter.organisation_id:
        raise FieldError("email", "There is already an account with this email address in your organisation")
    _tell_owner_of_invitation(session, links, owner, inviter, actor, now)
    session.commit()


def _tell_owner_of_invitation(
    session: Session, links: Links, owner: User, inviter: User, actor: Actor, now: datetime
) -> None:
    # One email an hour at most for each inviting organisation, so that repeated invitations cannot
    # flood the owner's inbox.
    queue_email(
        session,
        to=owner.email,
        subject="You were invited to join an organisation on the GM First Covenant Portal",
        template="invitation_existing_account",
        dedupe_key=f"invitation-existing-account:{owner.id}:{inviter.organisation_id}:{now:%Y-%m-%dT%H}",
        now=now,
        user=owner,
        inviter=inviter,
        joining=inviter.organisation.name,
        sign_in_link=links.url("accounts.login"),
    )
    audit.record(
        session,
        actor,
        "user.invited_with_existing_email",
        owner,
        now,
        organisation_id=inviter.organisation_id,
    )


def invite_staff(
    session: Session, links: Links, inviter: User, invitation: Invitation, actor: Actor, now: datetime
) -> User:
    """A portal admin invites a local authority contact, an escalation officer or another admin."""
    if invitation.role not in STAFF_ROLES:
        raise FieldError("role", "Select the kind of user to invite")
    if invitation.role == Role.LA_CONTACT and invitation.local_authority is None:
        raise FieldError("local_authority", "Select the local authority they work for")
    if invitation.role != Role.LA_CONTACT:
        invitation = Invitation(invitation.full_name, invitation.job_title, invitation.email, invitation.role)
    return _invite(session, links, inviter, invitation, actor, now)


def _invite(session: Session, links: Links, inviter: User, invitation: Invitation, actor: Actor, now: datetime) -> User:
    # Portal admins are trusted people, so telling them an address is taken reveals nothing to the public.
    already_taken = FieldError("email", "There is already an account with this email address")
    if find_user_by_email(session, invitation.email) is not None:
        raise already_taken
    user = _add_invited(session, inviter, invitation, now)
    if user is None:
        raise already_taken
    _queue_and_record_invitation(session, links, inviter, user, actor, now)
    return user


def _add_invited(session: Session, inviter: User, invitation: Invitation, now: datetime) -> User | None:
    """The invited user, added; None if the address was taken meanwhile by a concurrent request."""
    user = User(
        email=normalise_email(invitation.email),
        full_name=invitation.full_name,
        job_title=invitation.job_title,
        role=invitation.role,
        # Ids, not relationships: setting one would put the user in the organisation's collection
        # before the savepoint below adds it.
        organisation_id=invitation.organisation.id if invitation.organisation else None,
        local_authority_id=invitation.local_authority.id if invitation.local_authority else None,
        is_organisation_admin=invitation.is_organisation_admin,
        invited_by_id=inviter.id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        return None
    return user


def _queue_and_record_invitation(
    session: Session, links: Links, inviter: User, user: User, actor: Actor, now: datetime
) -> None:
    _queue_invitation(session, links, user, inviter, now)
    audit.record(
        session,
        actor,
        "user.invited",
        user,
        now,
        role=str(user.role),
        organisation_id=user.organisation_id,
        local_authority_id=user.local_authority_id,
        is_organisation_admin=user.is_organisation_admin,
    )
    session.commit()


def _queue_invitation(session: Session, links: Links, user: User, inviter: User, now: datetime) -> None:
    joining = user.organisation.name if user.organisation else None
    queue_link_email(
        session,
        links,
        user,
        Purpose.ACTIVATE,
        "accounts.activate",
        now,
        to=user.email,
        subject="You have been invited to the GM First Covenant Portal",
        template="invitation",
        inviter=inviter,
        joining=joining,
        reset_link=links.url("accounts.forgotten_password"),
    )


def user_for_invitation(session: Session, links: Links, token: str, now: datetime) -> User:
    return user_for_token(session, links, token, Purpose.ACTIVATE, now)


def activate(
    session: Session,
    links: Links,
    passwords: PasswordSettings,
    token: str,
    password: str,
    actor: Actor,
    now: datetime,
) -> User:
    """The invited person sets their password; following the emailed link proves the address."""
    user = user_for_invitation(session, links, token, now)
    check_new_password(password)
    user.password_hash = hash_password(passwords, password)
    user.email_verified_at = now
    audit.record(session, acting_as(actor, user), "user.activated", user, now)
    session.commit()
    return user


def create_admin(
    session: Session, passwords: PasswordSettings, email: str, full_name: str, password: str, now: datetime
) -> User:
    """The first admin, made from the command line (later admins are invited)."""
    check_new_password(password)
    if find_user_by_email(session, email) is not None:
        raise AccountError(f"An account with the email {normalise_email(email)} already exists")
    user = User(
        email=normalise_email(email),
        full_name=full_name,
        job_title="Portal administrator",
        role=Role.ADMIN,
        password_hash=hash_password(passwords, password),
        email_verified_at=now,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(session, audit.service.SYSTEM, "user.admin_created", user, now)
    session.commit()
    return user


def deactivate(session: Session, user: User, by: User, actor: Actor, now: datetime) -> None:
    """Ends the account's every session at once (the session version changes) and stops sign-in."""
    if user.id == by.id:
        raise AccountError("You cannot deactivate your own account")
    if user.deactivated_at is not None:
        return
    user.deactivated_at = now
    user.session_version += 1
    audit.record(session, actor, "user.deactivated", user, now)
    session.commit()


def deactivation_consequences(user: User) -> list[str]:
    """What deactivating the account does, said on the page that asks to confirm it."""
    return [
        f"{user.full_name} will be signed out everywhere straight away.",
        f"They will not be able to sign in with {user.email}.",
        "Everything they did stays, with their name on it, in the portal’s records and audit trail.",
        "The account can be reactivated later.",
    ]


def reactivate(session: Session, user: User, actor: Actor, now: datetime) -> None:
    if user.deactivated_at is None:
        return
    user.deactivated_at = None
    audit.record(session, actor, "user.reactivated", user, now)
    session.commit()


def team_of(session: Session, organisation_id: int) -> list[User]:
    return list(
        session.scalars(select(User).where(User.organisation_id == organisation_id).order_by(User.full_name, User.id))
    )


def team_member(session: Session, organisation_admin: User, user_id: int) -> User | None:
    """A user of the admin's own organisation; None for anyone else's (answered as not found)."""
    user = session.get(User, user_id)
    if user is None or user.organisation_id != organisation_admin.organisation_id:
        return None
    return user


def other_organisation_admins(session: Session, organisation_id: int, user_id: int) -> list[tuple[str, str]]:
    """(name, email address) of the organisation's admins who can sign in, other than the user, by
    name: whom the 403 page tells the user to ask (registered as `Area.organisation_admins`)."""
    return _organisation_admins(session, organisation_id, User.id != user_id)


def organisation_admin_names(session: Session, organisation_id: int) -> list[str]:
    """The names of the organisation's admins who can sign in, by name."""
    return [name for name, _email in _organisation_admins(session, organisation_id)]


def _organisation_admins(session: Session, organisation_id: int, *also) -> list[tuple[str, str]]:
    query = (
        select(User.full_name, User.email)
        .where(User.organisation_id == organisation_id, *is_active_organisation_admin(), *also)
        .order_by(User.full_name, User.id)
    )
    return [(name, email) for name, email in session.execute(query)]
