"""`ledger verify` of a long ledger splits it into ranges of seq that worker processes read from the
database themselves (committed data, so these tests commit): whichever range holds a problem, the
same entry and the same problem are named as by a check in one process, and the ranges' Merkle
subtrees fold to the roots the portal signed."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.db import get_session, utcnow
from covenant_portal.signing import dsse, ledger, merkle, ranges, scan
from covenant_portal.signing.canonical import canonical_json, sha256_hex
from covenant_portal.signing.log_check import SavedCheckpoint
from covenant_portal.signing.models import LedgerCheckpoint, LedgerEntry, LedgerTreeNode, SigningKey
from covenant_portal.signing.records import record_kinds
from covenant_portal.signing.service import verify_ledger
from tests.signing.helpers import allow_tampering, sign_covenants

ENTRIES = 12
LEDGER = LedgerEntry.__table__
SIGNATURE_PROBLEM = "its envelope signature does not verify with any published key"


@pytest.fixture
def long_ledger(committed_app, monkeypatch):
    """Twelve committed entries, checked as a long ledger is: pages of three, ranges of four, two
    workers, whatever the (small) size."""
    monkeypatch.setattr(scan, "PAGE", 3)
    monkeypatch.setattr(ranges, "RANGES_PER_WORKER", 2)
    monkeypatch.setattr(ranges, "INTEGRITY_PARALLEL_FROM_ENTRIES", 0)
    with committed_app.app_context():
        sign_covenants(get_session(), ENTRIES)
        get_session().commit()
    return committed_app


def verified(app, workers: int = 2, **options):
    with app.app_context():
        session = get_session()
        assert ranges.database_url(session) is not None  # the workers read the database themselves
        return verify_ledger(session, record_kinds(), workers, app=app, **options)


def committed_change(app, seq: int, values: dict) -> None:
    with app.app_context():
        session = get_session()
        allow_tampering(session)
        session.execute(sa.update(LEDGER).where(LEDGER.c.seq == seq).values(values))
        session.commit()


def committed_leaf(app, seq: int, value: bytes) -> bytes:
    """Sets entry seq's leaf in the stored tree; what it was."""
    nodes = LedgerTreeNode.__table__
    where = (nodes.c.level == 0) & (nodes.c.idx == seq - 1)
    with app.app_context():
        session = get_session()
        allow_tampering(session)
        before = session.execute(sa.select(nodes.c.hash).where(where)).scalar_one()
        session.execute(sa.update(nodes).where(where).values(hash=value))
        session.commit()
        return bytes(before)


def forged_values(app, seq: int) -> dict:
    """Entry seq re-signed by a key nobody published, its hashes recomputed to match."""
    with app.app_context():
        entry = get_session().get(LedgerEntry, seq)
        original = dsse.parse(entry.envelope)
        forger = Ed25519PrivateKey.generate()
        envelope = canonical_json(dsse.sign(original.payload, original.payload_type, forger, "forger").to_dict())
        envelope_sha256 = sha256_hex(envelope)
        entry_hash = ledger.entry_hash(
            seq, entry.created_at, entry.kind, entry.subject, envelope_sha256, entry.prev_hash
        )
        return {"envelope": envelope, "envelope_sha256": envelope_sha256, "entry_hash": entry_hash}


def original_values(app, seq: int) -> dict:
    with app.app_context():
        entry = get_session().get(LedgerEntry, seq)
        return {"envelope": entry.envelope, "envelope_sha256": entry.envelope_sha256, "entry_hash": entry.entry_hash}


def saved_checkpoint(app, size: int) -> SavedCheckpoint:
    with app.app_context():
        return SavedCheckpoint(get_session().get(LedgerCheckpoint, size).note, f"checkpoint-{size}.txt")


def test_the_ranges_fold_to_every_root_the_portal_signed(long_ledger):
    for size in (1, 2, 5, 8, 9, 12):
        for integrity_only in (True, False):
            result = verified(long_ledger, saved=saved_checkpoint(long_ledger, size), integrity_only=integrity_only)
            assert (result.ok, result.entries, result.problem) == (True, ENTRIES, None)


@pytest.mark.parametrize("seq", [1, 6, 12])
def test_a_forged_signature_in_any_worker_s_range_is_named(long_ledger, seq):
    original, forged = original_values(long_ledger, seq), forged_values(long_ledger, seq)
    committed_change(long_ledger, seq, forged)

    for workers in (2, 0):
        result = verified(long_ledger, workers)
        assert (result.first_bad_seq, result.entries, result.problem) == (seq, seq - 1, SIGNATURE_PROBLEM)

    # Integrity only: the signature is not checked, but the tree's leaf gives the rewritten entry
    # away; rewritten too, the next entry's link does (or, for the last, the signed checkpoint).
    result = verified(long_ledger, integrity_only=True)
    assert (result.first_bad_seq, result.problem) == (seq, scan.LEAF_MISMATCH)
    leaf = committed_leaf(long_ledger, seq, merkle.leaf_hash(forged["envelope"]))
    result = verified(long_ledger, integrity_only=True)
    if seq < ENTRIES:
        assert (result.first_bad_seq, result.problem) == (seq + 1, scan.PREV_HASH_MISMATCH)
    else:
        assert result.first_bad_seq is None and "do not hash to that checkpoint's root" in result.problem
    committed_leaf(long_ledger, seq, leaf)
    committed_change(long_ledger, seq, original)
    assert verified(long_ledger).ok


def test_a_changed_envelope_byte_is_named_by_integrity_only_in_any_range(long_ledger):
    for seq in (2, 11):
        original = original_values(long_ledger, seq)
        envelope = bytearray(original["envelope"])
        envelope[40] ^= 0x01
        committed_change(long_ledger, seq, {"envelope": bytes(envelope)})
        for integrity_only in (True, False):
            result = verified(long_ledger, integrity_only=integrity_only)
            assert (result.first_bad_seq, result.problem) == (seq, scan.ENVELOPE_MISMATCH)
        committed_change(long_ledger, seq, original)


def test_a_changed_record_in_a_worker_s_range_is_named_before_a_later_broken_entry(long_ledger):
    with long_ledger.app_context():
        session = get_session()
        signature = session.scalars(sa.select(CovenantSignature).where(CovenantSignature.ledger_seq == 9)).one()
        signature.signer_name = "Mallory Smith"
        session.commit()
        label = f"covenant_signature {signature.id}"
    committed_change(long_ledger, 11, forged_values(long_ledger, 11))

    result = verified(long_ledger)

    assert (result.first_bad_seq, result.entries) == (9, 8)
    assert result.problem == f"{label} signer_name differs from the signed record"


def test_entries_signed_before_their_key_retired_pass_and_those_after_are_named(long_ledger):
    """Workers compare created_at's text with the moment a key was retired, without reading either
    as a datetime: the entry at the very moment of retirement is already too late."""
    with long_ledger.app_context():
        session = get_session()
        [key] = session.scalars(sa.select(SigningKey)).all()
        moments = dict(session.execute(sa.select(LedgerEntry.seq, LedgerEntry.created_at)).all())
        keyid = key.keyid

    def retire_at(moment) -> None:
        with long_ledger.app_context():
            session = get_session()
            session.get(SigningKey, keyid).valid_until = moment
            session.commit()

    retire_at(moments[ENTRIES] + timedelta(microseconds=1))
    for workers in (2, 0):
        assert verified(long_ledger, workers).ok
    retire_at(moments[7])
    for workers in (2, 0):
        result = verified(long_ledger, workers)
        assert (result.first_bad_seq, result.entries) == (7, 6)
        assert result.problem.startswith(f"it was signed with key {keyid} after that key was retired at ")


def test_an_entry_whose_fields_need_json_escapes_is_decided_by_its_canonical_entry_hash(long_ledger):
    """The quick entry_hash check (in Python on SQLite, in the database on PostgreSQL) builds the
    canonical JSON only for fields that need no escapes; any other entry is decided the slow way."""
    with long_ledger.app_context():
        session = get_session()
        entry = ledger.append(session, 'test-"kind"', 'urn:test:"Ünïcode"\\', b'{"not": "a receipt"}', utcnow())
        session.commit()
        seq, created_at = entry.seq, entry.created_at
    for workers in (2, 0):
        result = verified(long_ledger, workers, integrity_only=True)
        assert (result.ok, result.entries) == (True, ENTRIES + 1), result.problem
    committed_change(long_ledger, seq, {"created_at": created_at + timedelta(seconds=1)})
    result = verified(long_ledger, integrity_only=True)
    assert (result.first_bad_seq, result.problem) == (seq, scan.ENTRY_HASH_MISMATCH)


def test_this_process_checks_ranges_from_the_back_while_the_workers_take_the_front():
    bounds = [(0, 4), (4, 8), (8, 12), (12, 16)]
    worker_began, here_began = threading.Event(), threading.Event()
    checked_by: dict[tuple[int, int], str] = {}

    def in_worker(lo: int, hi: int):
        worker_began.set()
        assert here_began.wait(5)  # the worker's first range lasts until this process has begun its own
        checked_by[lo, hi] = "worker"
        return ("checked", lo, hi)

    def here(lo: int, hi: int):
        assert worker_began.wait(5)
        here_began.set()
        checked_by[lo, hi] = "here"
        return ("checked", lo, hi)

    with ThreadPoolExecutor(1) as pool:
        checks = ranges.shared_out(pool, bounds, lambda lo, hi: pool.submit(in_worker, lo, hi), here)

    assert checks == [("checked", lo, hi) for lo, hi in bounds]  # in order, whoever checked them
    assert set(checked_by) == set(bounds)  # each range checked once
    assert checked_by[0, 4] == "worker" and checked_by[12, 16] == "here"


def test_a_failure_in_this_process_cancels_the_ranges_no_worker_has_begun():
    bounds = [(0, 4), (4, 8), (8, 12)]
    worker_may_go = threading.Event()
    begun: list[tuple[int, int]] = []

    def in_worker(lo: int, hi: int):
        begun.append((lo, hi))
        worker_may_go.wait(5)

    def here(lo: int, hi: int):
        raise RuntimeError("the database went away")

    with ThreadPoolExecutor(1) as pool:
        with pytest.raises(RuntimeError, match="went away"):
            ranges.shared_out(pool, bounds, lambda lo, hi: pool.submit(in_worker, lo, hi), here)
        worker_may_go.set()
    assert (4, 8) not in begun and (8, 12) not in begun
