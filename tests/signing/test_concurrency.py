"""Twenty organisations signing at the same moment, each in its own session and transaction, leave
a chain with no gap and no fork (seq 1..20, each prev_hash the previous entry_hash) that verifies."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM
from covenant_portal.covenant import service as covenant
from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.db import get_session, utcnow
from covenant_portal.signing.models import GENESIS_HASH, LedgerEntry
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.signing.records import record_kinds
from covenant_portal.signing.service import verify_ledger
from covenant_portal.mail.links import Links
from tests.covenant.helpers import create_named_contact
from tests.factories import create_user

SIGNERS = 20


def committed_signers(app) -> list[int]:
    with app.app_context():
        session = get_session()
        signers = [create_user(session, Role.PROVIDER) for _ in range(SIGNERS)]
        for signer in signers:
            create_named_contact(session, signer.organisation)
        session.commit()
        return [signer.id for signer in signers]


def sign_all_at_once(app, signer_ids: list[int]) -> list[int]:
    """Each thread signs in its own app context (its own session and connection), all released
    together so that their transactions overlap."""
    start = threading.Barrier(len(signer_ids), timeout=60)

    def sign(signer_id: int) -> int:
        with app.app_context():
            session = get_session()
            signer = session.get(User, signer_id)
            signing = covenant.Signing(signer.full_name, signer.job_title, covenant.current_version(session).number)
            session.commit()  # ends the reading transaction: on SQLite it holds the write lock (BEGIN IMMEDIATE)
            start.wait()
            links = Links.from_app(app)
            return covenant.sign(session, links, portal_key(), signer, signing, SYSTEM, utcnow()).ledger_seq

    with ThreadPoolExecutor(max_workers=len(signer_ids)) as pool:
        return list(pool.map(sign, signer_ids))


def test_concurrent_signings_leave_a_gap_free_fork_free_chain(committed_app):
    signer_ids = committed_signers(committed_app)

    seqs = sign_all_at_once(committed_app, signer_ids)

    assert sorted(seqs) == list(range(1, SIGNERS + 1))
    with Session(committed_app.extensions["db"].engine) as session:
        entries = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
        assert [entry.seq for entry in entries] == list(range(1, SIGNERS + 1))
        assert [entry.prev_hash for entry in entries] == [GENESIS_HASH] + [entry.entry_hash for entry in entries[:-1]]
        sealed = session.scalars(select(CovenantSignature.ledger_seq).order_by(CovenantSignature.ledger_seq)).all()
        assert sealed == list(range(1, SIGNERS + 1))
        result = verify_ledger(session, record_kinds(committed_app))
    assert result.ok, result.problem
    assert result.entries == SIGNERS
