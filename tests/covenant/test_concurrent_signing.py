"""Two organisation admins of one organisation press "Sign" at the same moment on PostgreSQL: one
signature and one ledger entry result, and the other admin is shown the first one's receipt."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM
from covenant_portal.covenant import service
from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.db import get_session, utcnow
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.mail.links import Links
from tests.covenant.helpers import create_named_contact
from tests.factories import create_user


def test_simultaneous_signatures_of_one_organisation_make_one_record(postgresql, committed_app):
    with committed_app.app_context():
        session = get_session()
        first = create_user(session, Role.PROVIDER)
        admins = [first] + [
            create_user(session, Role.PROVIDER, organisation=first.organisation, is_organisation_admin=True)
            for _ in range(3)
        ]
        create_named_contact(session, first.organisation)
        session.commit()
        admin_ids = [admin.id for admin in admins]
    start = threading.Barrier(len(admin_ids))

    def sign_as(user_id):
        with committed_app.app_context():
            session = get_session()
            signer = session.get(User, user_id)
            signing = service.Signing(signer.full_name, signer.job_title, 1)
            key = committed_app.extensions["signing_key"]
            start.wait()
            try:
                links = Links.from_app(committed_app)
                return service.sign(session, links, key, signer, signing, SYSTEM, utcnow()).id
            except service.AlreadySigned as refused:
                return ("already signed", refused.signature.id)

    with ThreadPoolExecutor(max_workers=len(admin_ids)) as pool:
        outcomes = list(pool.map(sign_as, admin_ids))

    with Session(committed_app.extensions["db"].engine) as session:
        (signature,) = session.scalars(select(CovenantSignature)).all()
        assert [entry.subject for entry in session.scalars(select(LedgerEntry))] == [
            f"urn:gm-first:covenant-signature:{signature.id}"
        ]
    assert sorted(outcomes, key=str) == sorted(
        [signature.id] + [("already signed", signature.id)] * (len(admin_ids) - 1), key=str
    )
