"""Named contacts for tests: made directly (like tests/factories.py), or the form a person fills in."""

from sqlalchemy.orm import Session

from covenant_portal.contacts.models import LocalAuthorityNamedContact, ProviderContact
from covenant_portal.db import utcnow


def create_contact(session: Session, organisation, **overrides) -> ProviderContact:
    values = {
        "name": "Sam Referrals",
        "role": "Referrals manager",
        "email": "sam@provider.example",
        "phone": "0161 496 0000",
        "homes": [],
    } | overrides
    contact = ProviderContact(organisation=organisation, **values)
    session.add(contact)
    session.flush()
    return contact


def name_la_contact(session: Session, user, **overrides) -> LocalAuthorityNamedContact:
    values = {"email": "placements@council.example", "phone": "01204 333 333", "started_at": utcnow()} | overrides
    named = LocalAuthorityNamedContact(local_authority_id=user.local_authority_id, user=user, **values)
    session.add(named)
    session.flush()
    return named


def contact_form(**overrides) -> dict:
    return {
        "name": "Priya Shah",
        "role": "Placements lead",
        "email": "priya@provider.example",
        "phone": "07700 900 982",
    } | overrides
