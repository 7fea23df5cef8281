"""The demo's homes and named contacts (pledge 2), made through the homes and contacts services by
each organisation's admin when the demo starts. A home or contact an organisation or person never
had is added; whatever has been changed or removed since stays so."""

from datetime import timedelta

from sqlalchemy import select

from covenant_portal.accounts.models import LocalAuthority, User
from covenant_portal.access import Role
from covenant_portal.audit.service import Actor
from covenant_portal.contacts.models import LocalAuthorityNamedContact, ProviderContact
from covenant_portal.contacts.service import (
    ContactDetails,
    add_contact,
    current_named_contact_of,
    end_named_contact,
    name_la_contact,
)
from covenant_portal.demo.providers import CONTACTS, DOMAIN, HOMES, LA_WITHOUT_NAMED_CONTACT, PROVIDERS_BY_SLUG
from covenant_portal.demo.timeline import Demo, at_london
from covenant_portal.homes.models import ProviderHome
from covenant_portal.homes.service import HomeDetails, add_home

LA_WITH_A_GAP = "bury"


def plan_homes(demo: Demo) -> None:
    """The homes area's demo step."""
    demo.at(demo.calendar.start + timedelta(minutes=30), lambda: _add_homes(demo))


def plan_contacts(demo: Demo) -> None:
    """The contacts area's demo step: providers' named contacts, and the LAs' (all but two)."""
    when = demo.calendar.start + timedelta(hours=1)
    demo.at(when, lambda: _add_provider_contacts(demo, when))
    demo.at(when + timedelta(hours=1), lambda: _name_la_contacts(demo, when + timedelta(hours=1)))
    if demo.builds_history:  # Bury's named contact left for three weeks (the LA pledge figures show the gap)
        gap_from = at_london(demo.calendar.quarters[4].starts_on + timedelta(days=10), 17)
        gap_to = gap_from + timedelta(days=21)
        demo.at(gap_from, lambda: _end_named_contact(demo, LA_WITH_A_GAP, gap_from))
        demo.at(gap_to, lambda: _name_again(demo, LA_WITH_A_GAP, gap_to))


def organisation_admin(demo: Demo, slug: str) -> User:
    return demo.user(f"{slug}.admin@{DOMAIN}")


def _add_homes(demo: Demo) -> None:
    session = demo.session
    authorities = {authority.name: authority.id for authority in session.scalars(select(LocalAuthority))}
    for number, (slug, name, host, home_type, places, (age_from, age_to), needs, status, urn) in enumerate(HOMES):
        organisation = demo.organisation(PROVIDERS_BY_SLUG[slug].name)
        if session.scalar(select(ProviderHome.id).filter_by(organisation_id=organisation.id, name=name)):
            continue
        details = HomeDetails(
            name=name,
            host_local_authority_id=authorities[host],
            ofsted_urn=urn,
            home_type=home_type,
            registered_places=places,
            age_from=age_from,
            age_to=age_to,
            needs=frozenset(needs),
            status=status,
        )
        admin = organisation_admin(demo, slug)
        add_home(session, organisation.id, details, Actor(admin.id), demo.calendar.start + timedelta(minutes=number))


def _add_provider_contacts(demo: Demo, when) -> None:
    session = demo.session
    for number, (slug, name, role, phone, home_names) in enumerate(CONTACTS):
        organisation = demo.organisation(PROVIDERS_BY_SLUG[slug].name)
        if session.scalar(select(ProviderContact.id).filter_by(organisation_id=organisation.id, name=name)):
            continue
        home_ids = frozenset(
            session.scalars(
                select(ProviderHome.id)
                .filter_by(organisation_id=organisation.id)
                .where(ProviderHome.name.in_(home_names))
            )
        )
        email = f"{name.split()[0].lower()}@{slug}.{DOMAIN}"
        admin = organisation_admin(demo, slug)
        add_contact(
            session,
            organisation.id,
            ContactDetails(name, role, email, phone, home_ids),
            Actor(admin.id),
            when + timedelta(minutes=number),
        )


def _name_la_contacts(demo: Demo, when) -> None:
    session = demo.session
    admin = demo.user(f"admin@{DOMAIN}")
    la_contacts = session.scalars(
        select(User).where(User.role == Role.LA_CONTACT, User.email.endswith(DOMAIN)).order_by(User.email)
    ).all()
    for number, user in enumerate(la_contacts, start=1):
        never_named = not session.scalar(select(LocalAuthorityNamedContact.id).filter_by(user_id=user.id))
        if never_named and user.local_authority.name not in LA_WITHOUT_NAMED_CONTACT:
            name_la_contact(
                session,
                user,
                user.email,
                f"0161 496 0{300 + number}",
                Actor(admin.id),
                when + timedelta(minutes=number),
            )


def _end_named_contact(demo: Demo, slug: str, when) -> None:
    user = demo.user(f"{slug}.contact@{DOMAIN}")
    named = current_named_contact_of(demo.session, user) if user is not None else None
    if named is not None:
        end_named_contact(demo.session, named, Actor(user.id), when)


def _name_again(demo: Demo, slug: str, when) -> None:
    user = demo.user(f"{slug}.contact@{DOMAIN}")
    if user is not None and current_named_contact_of(demo.session, user) is None:
        name_la_contact(demo.session, user, user.email, "0161 496 0399", Actor(user.id), when)
