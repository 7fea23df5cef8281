"""Two people propose a resolution to one concern at the same moment, from pages showing it as it
was, on PostgreSQL: one proposal is kept, the other is refused as changed meanwhile (web/stale.py).
(SQLite allows one writer at a time: its transactions BEGIN IMMEDIATE.)"""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.concerns import service, steps
from covenant_portal.concerns.models import Concern, EventKind
from covenant_portal.db import get_session, utcnow
from covenant_portal.web.stale import ChangedMeanwhile
from tests.concerns.helpers import LOGGED_AT, about_la, make_parties


def test_simultaneous_proposals_from_pages_showing_the_same_concern_keep_one(postgresql, committed_app):
    with committed_app.app_context():
        session = get_session()
        parties = make_parties(session)
        concern = service.raise_concern(session, parties.provider, about_la(parties), LOGGED_AT)
        service.acknowledge(session, concern, parties.la_contact, LOGGED_AT)
        session.commit()
        concern_id, proposers = concern.id, [parties.la_contact.id, parties.officer.id]
    read = threading.Barrier(len(proposers))

    def propose_as(user_id):
        with committed_app.app_context():
            session = get_session()
            user, concern = session.get(User, user_id), session.get(Concern, concern_id)
            seen = steps.step_version(concern)  # the page each one opened
            read.wait()  # both have read the concern before either proposes
            try:
                steps.check_step(session, concern, user, "propose", seen)
                service.propose_resolution(session, concern, user, f"Proposal {user_id}", utcnow())
            except ChangedMeanwhile:
                return "changed meanwhile"
            return "proposed"

    with ThreadPoolExecutor(max_workers=len(proposers)) as pool:
        outcomes = dict(zip(proposers, pool.map(propose_as, proposers)))

    assert sorted(outcomes.values()) == ["changed meanwhile", "proposed"]
    (winner,) = [user_id for user_id, outcome in outcomes.items() if outcome == "proposed"]
    with Session(committed_app.extensions["db"].engine) as session:
        concern = session.get(Concern, concern_id)
        assert concern.resolution == f"Proposal {winner}"
        assert [event.kind for event in concern.events].count(EventKind.RESOLUTION_PROPOSED) == 1
