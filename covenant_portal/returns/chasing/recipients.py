"""Who is told of a late quarterly return: the organisation's named contacts and admins, and on
escalation the host LAs' named contacts and the escalation officers, each address once."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import LocalAuthority, User, can_sign_in, is_active_organisation_admin

from covenant_portal.access import Role
from covenant_portal.returns.models import (
    ReturnPeriod,
)
from covenant_portal.contacts.models import LocalAuthorityNamedContact, ProviderContact
from covenant_portal.homes.models import HomeStatus, ProviderHome
from covenant_portal.mail.links import Links


# Who is told


class RecipientKind:
    """Why someone gets a chase email (the emails say so)."""

    NAMED_CONTACT = "named_contact"  # of the organisation
    ORGANISATION_ADMIN = "organisation_admin"
    LOCAL_AUTHORITY = "local_authority"  # a named contact of an LA hosting the organisation's homes
    ESCALATION_OFFICER = "escalation_officer"


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    kind: str  # a RecipientKind
    link: str  # the page the email links to
    authority: str | None = None  # for LOCAL_AUTHORITY: which one


@dataclass(frozen=True)
class ProviderContactDetails:
    name: str
    role: str
    email: str
    phone: str


def provider_contacts(session: Session, organisation_ids: list[int]) -> dict[int, list[ProviderContactDetails]]:
    contacts = defaultdict(list)
    for organisation_id, name, role, email, phone in session.execute(
        select(
            ProviderContact.organisation_id,
            ProviderContact.name,
            ProviderContact.role,
            ProviderContact.email,
            ProviderContact.phone,
        )
        .where(ProviderContact.organisation_id.in_(organisation_ids), ProviderContact.retired_at.is_(None))
        .order_by(ProviderContact.name, ProviderContact.id)
    ):
        contacts[organisation_id].append(ProviderContactDetails(name, role, email, phone))
    return contacts


def _active_users(*conditions):
    return select(User.full_name, User.email).where(*can_sign_in(), *conditions)


def provider_recipients(
    session: Session, links: Links, organisation_ids: list[int], contacts: dict[int, list[ProviderContactDetails]]
) -> dict[int, list[Recipient]]:
    """The organisation's current named contacts, then its active organisation admins (each address once)."""
    return organisation_people(session, links.url("returns.returns"), organisation_ids, contacts)


def organisation_people(
    session: Session, link: str, organisation_ids: list[int], contacts: dict[int, list[ProviderContactDetails]]
) -> dict[int, list[Recipient]]:
    """Each organisation's current named contacts, then its active organisation admins (each
    address once), their emails linking to `link`. Also what the covenant's re-signing chase uses."""
    found: dict[int, list[Recipient]] = defaultdict(list)
    for organisation_id, details in contacts.items():
        for contact in details:
            found[organisation_id].append(Recipient(contact.name, contact.email, RecipientKind.NAMED_CONTACT, link))
    admins = session.execute(
        _active_users(*is_active_organisation_admin(), User.organisation_id.in_(organisation_ids))
        .add_columns(User.organisation_id)
        .order_by(User.full_name, User.id)
    )
    for name, email, organisation_id in admins:
        found[organisation_id].append(Recipient(name, email, RecipientKind.ORGANISATION_ADMIN, link))
    return defaultdict(list, {organisation_id: once_per_address(people) for organisation_id, people in found.items()})


def escalation_officers(session: Session, links: Links, period: ReturnPeriod) -> list[Recipient]:
    return officers_linked_to(session, links.url("compliance.overview", period=period.id))


def officers_linked_to(session: Session, link: str) -> list[Recipient]:
    """Every active escalation officer, their emails linking to `link`."""
    return [
        Recipient(name, email, RecipientKind.ESCALATION_OFFICER, link)
        for name, email in session.execute(
            _active_users(User.role == Role.ESCALATION_OFFICER).order_by(User.full_name, User.id)
        )
    ]


def escalation_recipients(
    session: Session,
    links: Links,
    period: ReturnPeriod,
    organisation_ids: list[int],
    escalation_officers: list[Recipient],
) -> dict[int, list[Recipient]]:
    """The named contacts of the LAs hosting the organisation's open or planned homes, then every
    active escalation officer (each address once)."""
    link = links.url("compliance.table", period=period.id)
    return host_authority_people(session, link, organisation_ids, escalation_officers)


def host_authority_people(
    session: Session, link: str, organisation_ids: list[int], escalation_officers: list[Recipient]
) -> dict[int, list[Recipient]]:
    """For each organisation, the named contacts of the LAs hosting its open or planned homes, then
    `escalation_officers` (each address once), their emails linking to `link`."""
    hosts = defaultdict(set)
    for organisation_id, authority_id in session.execute(
        select(ProviderHome.organisation_id, ProviderHome.host_local_authority_id)
        .where(ProviderHome.organisation_id.in_(organisation_ids), ProviderHome.status != HomeStatus.CLOSED)
        .distinct()
    ):
        hosts[organisation_id].add(authority_id)
    named_by_authority = defaultdict(list)
    for authority_id, authority_name, name, email in session.execute(
        select(
            LocalAuthorityNamedContact.local_authority_id,
            LocalAuthority.name,
            User.full_name,
            LocalAuthorityNamedContact.email,
        )
        .join(User, User.id == LocalAuthorityNamedContact.user_id)
        .join(LocalAuthority, LocalAuthority.id == LocalAuthorityNamedContact.local_authority_id)
        .where(
            LocalAuthorityNamedContact.ended_at.is_(None),
            LocalAuthorityNamedContact.local_authority_id.in_({a for ids in hosts.values() for a in ids} or {0}),
            User.deactivated_at.is_(None),
        )
        .order_by(LocalAuthority.name, User.full_name, LocalAuthorityNamedContact.id)
    ):
        named_by_authority[authority_id].append(
            Recipient(name, email, RecipientKind.LOCAL_AUTHORITY, link, authority_name)
        )
    recipients = {}
    for organisation_id in organisation_ids:
        local = [r for authority_id in sorted(hosts[organisation_id]) for r in named_by_authority[authority_id]]
        recipients[organisation_id] = once_per_address(local + escalation_officers)
    return recipients


def once_per_address(recipients: Iterable[Recipient]) -> list[Recipient]:
    seen, once = set(), []
    for recipient in recipients:
        if recipient.email.lower() not in seen:
            seen.add(recipient.email.lower())
            once.append(recipient)
    return once
