"""Named contacts on both sides of pledge 2: the rules for naming, changing and retiring them.

Nothing is overwritten. A provider contact that changes is retired and a new version added
(`replaces_id`); an LA named contact that changes is ended and a new one started. So the record
always shows who was named when.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from covenant_portal import audit
from covenant_portal.accounts.models import LocalAuthority, User
from covenant_portal.access import Role
from covenant_portal.audit.models import AuditEvent
from covenant_portal.audit.service import Actor
from covenant_portal.contacts.models import LocalAuthorityNamedContact, ProviderContact
from covenant_portal.homes.models import ProviderHome
from covenant_portal.web.stale import ChangedMeanwhile, lock

# Separators people type inside phone numbers; "(0)" is the optional trunk prefix, as in +44 (0)161.
PHONE_SEPARATORS = re.compile(r"[\s\-.()]")
# A UK national significant number: 9 or 10 digits, never starting with 0.
UK_NUMBER = re.compile(r"[1-9][0-9]{8,9}")


class ContactError(ValueError):
    """A change that cannot be made; `field` names the form field the message belongs next to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def uk_phone_number(typed: str) -> str | None:
    """The number in international form (+441612345678) if `typed` is a UK phone number, else None."""
    compact = PHONE_SEPARATORS.sub("", typed.replace("(0)", ""))
    for prefix in ("+44", "0044", "0"):
        if compact.startswith(prefix):
            national = compact[len(prefix) :]
            return "+44" + national if UK_NUMBER.fullmatch(national) else None
    return None


def tidy_phone(typed: str) -> str:
    """The number as typed, with runs of spaces made one: people recognise their own format."""
    return " ".join(typed.split())


# Provider contacts


@dataclass(frozen=True)
class ContactDetails:
    name: str
    role: str
    email: str
    phone: str
    home_ids: frozenset[int]

    @classmethod
    def of(cls, contact: ProviderContact) -> "ContactDetails":
        return cls(contact.name, contact.role, contact.email, contact.phone, frozenset(h.id for h in contact.homes))


@dataclass(frozen=True)
class ContactVersion:
    """One version of a contact in the history: who added it, and what ended it (a newer version, or
    a removal by someone), if anything has."""

    contact: ProviderContact
    added_by: User | None
    replaced_by: ProviderContact | None
    ended_by: User | None


def current_contacts(session: Session, organisation_id: int) -> list[ProviderContact]:
    """The organisation's named contacts in force now (not retired), by name, with their homes loaded."""
    return list(
        session.scalars(
            select(ProviderContact)
            .options(selectinload(ProviderContact.homes))
            .where(ProviderContact.organisation_id == organisation_id, ProviderContact.retired_at.is_(None))
            .order_by(ProviderContact.name, ProviderContact.id)
        )
    )


def current_contact_of(session: Session, organisation_id: int, contact_id: int) -> ProviderContact | None:
    """A contact in force now of this organisation; another organisation's, or a past version, is not found."""
    contact = session.get(ProviderContact, contact_id)
    if contact is None or contact.organisation_id != organisation_id or contact.retired_at is not None:
        return None
    return contact


def past_version_of(session: Session, organisation_id: int, contact_id: int) -> ProviderContact | None:
    """A retired version of the organisation's contact (changed or removed); None otherwise."""
    found = session.get(ProviderContact, contact_id)
    if found is None or found.organisation_id != organisation_id or found.retired_at is None:
        return None
    return found


def successor_of(session: Session, organisation_id: int, contact_id: int) -> ProviderContact | None:
    """The version in force now of a past version of the organisation's contact (changed once or more
    since): what a page opened before the change should show instead. None if it was removed, is in
    force itself, or is not the organisation's."""
    found = past_version_of(session, organisation_id, contact_id)
    while found is not None and found.retired_at is not None:
        found = session.scalar(select(ProviderContact).where(ProviderContact.replaces_id == found.id))
    return found


def add_contact(
    session: Session, organisation_id: int, details: ContactDetails, actor: Actor, now: datetime
) -> ProviderContact:
    contact = _new_version(session, organisation_id, details, actor, now)
    audit.record(session, actor, "contact.added", contact, now, organisation_id=organisation_id)
    session.commit()
    return contact


def still_current(session: Session, contact: ProviderContact, actor: Actor) -> None:
    """Re-reads the contact under a write lock (held until the change commits): ChangedMeanwhile,
    with the version in force now, if someone changed it after the page was opened (a version is
    never changed, so the page's version is the contact's id); ContactError (no field) if removed."""
    lock(session, contact)
    if contact.retired_at is None:
        return
    current = successor_of(session, contact.organisation_id, contact.id)
    if current is None:
        raise ContactError(
            f"{contact.name} was removed as a named contact after you opened the page: nothing was changed."
        )
    author = session.get(User, current.created_by_id) if current.created_by_id else None
    by = None if author is None else "you (in another tab)" if author.id == actor.user_id else author.full_name
    raise ChangedMeanwhile("named contact", by=by, current=current)


def change_contact(
    session: Session, contact: ProviderContact, details: ContactDetails, actor: Actor, now: datetime
) -> ProviderContact | None:
    """Retires the contact and adds its new version; None if nothing changed (nothing is saved).
    `contact` is the version the page showed: `still_current` first, in this transaction."""
    still_current(session, contact, actor)
    before = ContactDetails.of(contact)
    changed = [name for name in before.__dataclass_fields__ if getattr(before, name) != getattr(details, name)]
    if not changed:
        return None
    new_version = _new_version(session, contact.organisation_id, details, actor, now, replaces=contact)
    _retire(session, contact, now)
    audit.record(
        session,
        actor,
        "contact.changed",
        new_version,
        now,
        organisation_id=contact.organisation_id,
        replaces_id=contact.id,
        changed=changed,
    )
    session.commit()
    return new_version


def is_last_contact(session: Session, contact: ProviderContact) -> bool:
    """Whether removing `contact` would leave its organisation with no named contact."""
    return [each.id for each in current_contacts(session, contact.organisation_id)] == [contact.id]


def remove_contact(session: Session, contact: ProviderContact, actor: Actor, now: datetime) -> int:
    """Retires the contact; returns how many contacts the organisation still has.

    Removing the last one is allowed (someone who has left must not stay listed), but then the
    organisation no longer meets pledge 2: its pages say so until it names someone.
    """
    _retire(session, contact, now)
    audit.record(session, actor, "contact.removed", contact, now, organisation_id=contact.organisation_id)
    session.commit()
    return len(current_contacts(session, contact.organisation_id))


def contact_history(session: Session, organisation_id: int) -> list[ContactVersion]:
    """Every version of every contact of the organisation, newest first."""
    versions = list(
        session.scalars(
            select(ProviderContact)
            .options(selectinload(ProviderContact.homes))
            .where(ProviderContact.organisation_id == organisation_id)
            .order_by(ProviderContact.created_at.desc(), ProviderContact.id.desc())
        )
    )
    replacement_of = {version.replaces_id: version for version in versions if version.replaces_id is not None}
    removed_ids = [v.id for v in versions if v.retired_at is not None and v.id not in replacement_of]
    remover_ids = _who_removed(session, removed_ids)
    people = _users_by_id(session, [v.created_by_id for v in versions] + list(remover_ids.values()))
    history = []
    for version in versions:
        replacement = replacement_of.get(version.id)
        ended_by_id = replacement.created_by_id if replacement else remover_ids.get(version.id)
        history.append(ContactVersion(version, people.get(version.created_by_id), replacement, people.get(ended_by_id)))
    return history


def _users_by_id(session: Session, user_ids: Iterable[int | None]) -> dict[int | None, User]:
    ids = {user_id for user_id in user_ids if user_id is not None}
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def _who_removed(session: Session, contact_ids: list[int]) -> dict[int, int | None]:
    """The id of the user who removed each contact. The row keeps only when; who is in the audit trail."""
    if not contact_ids:
        return {}
    events = session.execute(
        select(AuditEvent.object_id, AuditEvent.actor_id).where(
            AuditEvent.action == "contact.removed",
            AuditEvent.object_type == ProviderContact.__name__,
            AuditEvent.object_id.in_([str(contact_id) for contact_id in contact_ids]),
            AuditEvent.actor_id.is_not(None),
        )
    )
    return {int(object_id): actor_id for object_id, actor_id in events}


def _new_version(
    session: Session,
    organisation_id: int,
    details: ContactDetails,
    actor: Actor,
    now: datetime,
    replaces: ProviderContact | None = None,
) -> ProviderContact:
    homes = (
        list(session.scalars(select(ProviderHome).where(ProviderHome.id.in_(details.home_ids))))
        if details.home_ids
        else []
    )
    if len(homes) != len(details.home_ids) or any(home.organisation_id != organisation_id for home in homes):
        raise ContactError("Select only your organisation’s homes", field="homes")
    contact = ProviderContact(
        organisation_id=organisation_id,
        name=details.name,
        role=details.role,
        email=details.email,
        phone=details.phone,
        homes=homes,
        created_at=now,
        created_by_id=actor.user_id,
        replaces_id=replaces.id if replaces else None,
    )
    session.add(contact)
    session.flush()
    return contact


def _retire(session: Session, contact: ProviderContact, now: datetime) -> None:
    # A conditional update, so that two people changing the same contact at once cannot both
    # retire it (and leave two current versions): the second finds it already retired.
    retired = session.execute(
        update(ProviderContact)
        .where(ProviderContact.id == contact.id, ProviderContact.retired_at.is_(None))
        .values(retired_at=now)
    )
    if retired.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
        session.rollback()
        raise ContactError("This contact has just been changed or removed by someone else")


# Local authority named contacts


def current_named_contact_of(session: Session, user: User) -> LocalAuthorityNamedContact | None:
    """The user's current named-contact entry for their LA, if they are named."""
    return session.scalar(
        select(LocalAuthorityNamedContact).where(
            LocalAuthorityNamedContact.user_id == user.id, LocalAuthorityNamedContact.ended_at.is_(None)
        )
    )


def current_named_contact(session: Session, named_contact_id: int) -> LocalAuthorityNamedContact | None:
    named = session.get(LocalAuthorityNamedContact, named_contact_id)
    return named if named is not None and named.ended_at is None else None


def la_contact_user(session: Session, user_id: int) -> User | None:
    """An active LA contact user an admin may name; anyone else is not found."""
    user = session.get(User, user_id)
    if user is None or user.role != Role.LA_CONTACT or user.deactivated_at is not None:
        return None
    return user


def name_la_contact(
    session: Session, user: User, email: str, phone: str, actor: Actor, now: datetime
) -> LocalAuthorityNamedContact | None:
    """Names the LA contact user as their LA's contact with these details (ending any earlier entry of
    theirs); None if they were already named with exactly these details (nothing is saved)."""
    if user.role != Role.LA_CONTACT or user.deactivated_at is not None:
        raise ContactError("Only an active local authority contact can be a named contact")
    previous = current_named_contact_of(session, user)
    if previous is not None and (previous.email, previous.phone) == (email, phone):
        return None
    if previous is not None:
        previous.ended_at = now
    named = LocalAuthorityNamedContact(
        local_authority_id=user.local_authority_id, user_id=user.id, email=email, phone=phone, started_at=now
    )
    session.add(named)
    session.flush()
    details = {"local_authority_id": user.local_authority_id, "user_id": user.id}
    if previous is not None:
        audit.record(session, actor, "la_named_contact.changed", named, now, replaces_id=previous.id, **details)
    else:
        audit.record(session, actor, "la_named_contact.started", named, now, **details)
    session.commit()
    return named


def is_last_named_contact(session: Session, named: LocalAuthorityNamedContact) -> bool:
    """Whether ending `named` would leave its local authority with no named contact."""
    others = session.scalar(
        select(func.count(LocalAuthorityNamedContact.id)).where(
            LocalAuthorityNamedContact.local_authority_id == named.local_authority_id,
            LocalAuthorityNamedContact.ended_at.is_(None),
            LocalAuthorityNamedContact.id != named.id,
        )
    )
    return others == 0


def end_named_contact(session: Session, named: LocalAuthorityNamedContact, actor: Actor, now: datetime) -> None:
    if named.ended_at is not None:
        raise ContactError("This person has already stopped being a named contact")
    named.ended_at = now
    audit.record(
        session,
        actor,
        "la_named_contact.ended",
        named,
        now,
        local_authority_id=named.local_authority_id,
        user_id=named.user_id,
    )
    session.commit()


def directory(session: Session) -> list[tuple[LocalAuthority, list[LocalAuthorityNamedContact]]]:
    """Each Greater Manchester LA, by name, with its current named contacts (people whose account is
    deactivated are left out: they can no longer answer)."""
    authorities = session.scalars(
        select(LocalAuthority).where(LocalAuthority.is_greater_manchester.is_(True)).order_by(LocalAuthority.name)
    ).all()
    named = session.scalars(
        select(LocalAuthorityNamedContact)
        .join(LocalAuthorityNamedContact.user)
        .options(joinedload(LocalAuthorityNamedContact.user))
        .where(LocalAuthorityNamedContact.ended_at.is_(None), User.deactivated_at.is_(None))
        .order_by(User.full_name, LocalAuthorityNamedContact.id)
    ).all()
    return [(authority, [n for n in named if n.local_authority_id == authority.id]) for authority in authorities]


def authorities_without_named_contact(session: Session) -> list[LocalAuthority]:
    return [authority for authority, named in directory(session) if not named]


def la_contact_users(session: Session) -> list[User]:
    """Active LA contact users, by name: the people an admin can name."""
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.LA_CONTACT, User.deactivated_at.is_(None))
            .order_by(User.full_name, User.id)
        )
    )


def named_contact_history(session: Session, local_authority_id: int) -> list[LocalAuthorityNamedContact]:
    """Every named-contact entry of the LA, newest first."""
    return list(
        session.scalars(
            select(LocalAuthorityNamedContact)
            .options(joinedload(LocalAuthorityNamedContact.user))
            .where(LocalAuthorityNamedContact.local_authority_id == local_authority_id)
            .order_by(LocalAuthorityNamedContact.started_at.desc(), LocalAuthorityNamedContact.id.desc())
        )
    )
