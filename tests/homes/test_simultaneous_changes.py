"""Two organisation admins save the same home at the same moment from pages showing it as it was, on
PostgreSQL: one change is saved, the other is refused as changed meanwhile (web/stale.py), however
the two requests interleave. (SQLite allows one writer at a time: its transactions BEGIN IMMEDIATE.)"""

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.access import Role
from covenant_portal.audit.models import AuditEvent
from covenant_portal.audit.service import SYSTEM
from covenant_portal.db import get_session, utcnow
from covenant_portal.homes import service
from covenant_portal.homes.models import ProviderHome
from covenant_portal.web.stale import ChangedMeanwhile
from tests.factories import create_user
from tests.homes.homes import create_home


def test_simultaneous_changes_from_pages_showing_the_same_home_save_one(postgresql, committed_app):
    with committed_app.app_context():
        session = get_session()
        admin = create_user(session, Role.PROVIDER, is_organisation_admin=True)
        home = create_home(session, admin.organisation, name="Elm House", registered_places=4)
        session.commit()
        home_id = home.id
    places = [5, 6, 7, 8]
    read = threading.Barrier(len(places))

    def save(registered_places):
        with committed_app.app_context():
            session = get_session()
            home = session.get(ProviderHome, home_id)
            seen = service.version_seen(home)  # the page each admin opened
            details = replace(service.HomeDetails.of(home), registered_places=registered_places)
            read.wait()  # every request has read the home before any saves
            try:
                service.change_home(session, home, details, SYSTEM, utcnow(), seen=seen)
            except ChangedMeanwhile:
                return "changed meanwhile"
            return "saved"

    with ThreadPoolExecutor(max_workers=len(places)) as pool:
        outcomes = list(pool.map(save, places))

    assert sorted(outcomes) == ["changed meanwhile"] * (len(places) - 1) + ["saved"]
    with Session(committed_app.extensions["db"].engine) as session:
        saved = session.get(ProviderHome, home_id).registered_places
        assert saved == places[outcomes.index("saved")]
        changes = session.scalars(select(AuditEvent).where(AuditEvent.action == "home.changed")).all()
        assert len(changes) == 1
