"""Two organisation admins change the same named contact at the same moment from pages showing it as
it was, on PostgreSQL: one new version is saved, the other change is refused as changed meanwhile
(web/stale.py), naming who saved first. (SQLite allows one writer at a time: BEGIN IMMEDIATE.)"""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.access import Role
from covenant_portal.audit.service import Actor
from covenant_portal.contacts import service
from covenant_portal.contacts.models import ProviderContact
from covenant_portal.db import get_session, utcnow
from covenant_portal.web.stale import ChangedMeanwhile
from tests.contacts.contacts import create_contact
from tests.factories import create_user


def test_simultaneous_changes_of_one_contact_save_one_version(postgresql, committed_app):
    with committed_app.app_context():
        session = get_session()
        first = create_user(session, Role.PROVIDER, is_organisation_admin=True)
        admins = [first] + [
            create_user(session, Role.PROVIDER, organisation=first.organisation, is_organisation_admin=True)
            for _ in range(3)
        ]
        contact = create_contact(session, first.organisation, name="Sam Referrals")
        session.commit()
        contact_id, names = contact.id, {admin.id: admin.full_name for admin in admins}
    read = threading.Barrier(len(names))

    def change_as(user_id):
        with committed_app.app_context():
            session = get_session()
            contact = session.get(ProviderContact, contact_id)  # the page each admin opened
            details = service.ContactDetails.of(contact)
            details = service.ContactDetails(details.name, f"Role {user_id}", details.email, details.phone, frozenset())
            read.wait()  # every request has read the contact before any saves
            try:
                service.change_contact(session, contact, details, Actor(user_id=user_id), utcnow())
            except ChangedMeanwhile as changed:
                return changed.by
            return "saved"

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        outcomes = dict(zip(names, pool.map(change_as, names)))

    with Session(committed_app.extensions["db"].engine) as session:
        (current,) = session.scalars(select(ProviderContact).where(ProviderContact.retired_at.is_(None))).all()
        assert current.replaces_id == contact_id
    assert outcomes[current.created_by_id] == "saved"
    assert sorted(outcomes.values()) == sorted(["saved"] + [names[current.created_by_id]] * (len(names) - 1))
