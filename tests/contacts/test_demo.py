"""The demo has homes, provider contacts and LA named contacts, with gaps that show the warnings."""

import pytest
from sqlalchemy import func, select

from covenant_portal.access import Role
from covenant_portal.contacts.models import LocalAuthorityNamedContact, ProviderContact
from covenant_portal.contacts.service import authorities_without_named_contact
from covenant_portal.db import utcnow
from covenant_portal.demo import PASSWORDS, DemoSettings, seed_demo
from covenant_portal.homes.models import ProviderHome

pytestmark = pytest.mark.seeded_demo


def counts(db_session) -> tuple[int, int, int]:
    return tuple(
        db_session.scalar(select(func.count()).select_from(model))
        for model in (ProviderHome, ProviderContact, LocalAuthorityNamedContact)
    )


def test_the_demo_has_homes_and_named_contacts_on_both_sides(app, db_session, client_request):
    seed_demo(db_session, DemoSettings.from_app(app), utcnow())
    assert counts(db_session) == (20, 9, 9)  # Bury's contact named twice, with a gap between
    assert [authority.name for authority in authorities_without_named_contact(db_session)] == ["Tameside", "Wigan"]

    client_request.post(
        "/sign-in",
        {"email": "brightwater.colleague@demo.gm-first.example", "password": PASSWORDS[Role.PROVIDER]},
        expected_redirect="/dashboard",
    )
    contacts = client_request.get("/contacts").get_data(as_text=True)
    assert "Grace Okafor" in contacts and "Oak House" in contacts and "All homes" in contacts
    assert "Willow Court" in client_request.get("/homes").get_data(as_text=True)


def test_seeding_again_adds_nothing_and_brings_nothing_back(app, db_session):
    # The seeded demo is seed-demo's first run (tests/seeded_demo.py); this is its second.
    grace = db_session.scalar(select(ProviderContact).where(ProviderContact.name == "Grace Okafor"))
    grace.retired_at = utcnow()
    db_session.commit()
    seed_demo(db_session, DemoSettings.from_app(app), utcnow())
    assert counts(db_session) == (20, 9, 9)  # Bury's contact named twice, with a gap between
    assert db_session.scalar(select(ProviderContact).where(ProviderContact.name == "Grace Okafor")).retired_at
