"""Changing any byte of a stored record, an envelope or a ledger row makes `ledger verify` exit 1
naming that entry; the untouched ledger passes."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.signing import dsse, ledger
from covenant_portal.signing.canonical import canonical_json, sha256_hex
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.records import record_kinds
from covenant_portal.signing.service import verify_ledger
from tests.signing.helpers import allow_tampering, ledger_entries, run_ledger, sign_covenants

LEDGER = LedgerEntry.__table__
SIGNED_AT = datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc)
TAMPERED = 3  # the middle entry of five


@pytest.fixture
def signatures(db_session):
    signatures = [sign_covenants(db_session, 1, SIGNED_AT + timedelta(minutes=n))[0] for n in range(5)]
    assert [signature.ledger_seq for signature in signatures] == [1, 2, 3, 4, 5]
    return signatures


def change_entry(session, seq: int, values: dict) -> None:
    allow_tampering(session)
    session.execute(sa.update(LEDGER).where(LEDGER.c.seq == seq).values(values))


def assert_broken_at(app, seq: int, problem: str) -> None:
    result = run_ledger(app, "verify")
    assert result.exit_code == 1, result.output
    assert f"Ledger BROKEN at entry {seq}: " in result.output
    assert problem in result.output
    assert f"The {seq - 1} entries before it are intact." in result.output


def test_an_untouched_ledger_verifies(app, db_session, signatures):
    result = run_ledger(app, "verify")
    assert result.exit_code == 0, result.output
    head = db_session.get(LedgerEntry, 5).entry_hash
    assert result.output == f"Ledger OK: 5 entries, head {head}.\n"


def test_an_empty_ledger_verifies(app, db_session):
    result = run_ledger(app, "verify")
    assert result.exit_code == 0
    assert result.output == f"Ledger OK: 0 entries, head {'0' * 64}.\n"


@pytest.mark.parametrize(
    "field, value",
    [
        ("signer_name", "Mallory Smith"),
        ("signer_job_title", "Chief Executive"),
        ("signer_email", "mallory@provider.example"),
        ("declaration", "I confirm nothing."),
        ("signed_at", SIGNED_AT + timedelta(days=1)),
        ("organisation_name", "Renamed Homes Ltd"),
        ("organisation_companies_house_number", "99999999"),
        ("organisation_charity_number", "1234567"),
        ("organisation_ofsted_provider_urn", "SC999999"),
        ("signer_signed_in_at", SIGNED_AT - timedelta(hours=1)),
    ],
)
def test_a_changed_stored_record_breaks_its_entry(app, db_session, signatures, field, value):
    signature = signatures[TAMPERED - 1]
    db_session.execute(
        sa.update(CovenantSignature.__table__)
        .where(CovenantSignature.__table__.c.id == signature.id)
        .values({field: value})
    )
    assert_broken_at(app, TAMPERED, f"covenant_signature {signature.id} {field} differs from the signed record")


@pytest.mark.parametrize("position", [0, 40, -3])
def test_any_changed_envelope_byte_breaks_its_entry(app, db_session, signatures, position):
    envelope = bytearray(db_session.get(LedgerEntry, TAMPERED).envelope)
    envelope[position] ^= 0x01
    change_entry(db_session, TAMPERED, {"envelope": bytes(envelope)})
    assert_broken_at(app, TAMPERED, "its envelope does not match its envelope_sha256")


def test_an_envelope_re_signed_by_another_key_with_its_hashes_recomputed_is_caught(app, db_session, signatures):
    entry = db_session.get(LedgerEntry, 5)  # the last entry: no later entry's prev_hash gives it away
    forged = dsse.parse(entry.envelope)
    forger = Ed25519PrivateKey.generate()
    envelope = canonical_json(dsse.sign(forged.payload, forged.payload_type, forger, "forger").to_dict())
    envelope_sha256 = sha256_hex(envelope)
    change_entry(
        db_session,
        5,
        {
            "envelope": envelope,
            "envelope_sha256": envelope_sha256,
            "entry_hash": ledger.entry_hash(
                5, entry.created_at, entry.kind, entry.subject, envelope_sha256, entry.prev_hash
            ),
        },
    )
    assert_broken_at(app, 5, "its envelope signature does not verify with any published key")


@pytest.mark.parametrize(
    "column, change, problem",
    [
        ("created_at", lambda entry: entry.created_at + timedelta(microseconds=1), "its entry_hash does not match"),
        ("kind", lambda entry: "covenant-signatures", "its entry_hash does not match its fields"),
        ("subject", lambda entry: entry.subject + "0", "its entry_hash does not match its fields"),
        ("envelope_sha256", lambda entry: "f" * 64, "its envelope does not match its envelope_sha256"),
        ("prev_hash", lambda entry: "e" * 64, "its prev_hash is not the previous entry's entry_hash"),
        ("entry_hash", lambda entry: "d" * 64, "its entry_hash does not match its fields"),
    ],
)
def test_any_changed_ledger_column_breaks_its_entry(app, db_session, signatures, column, change, problem):
    entry = db_session.get(LedgerEntry, TAMPERED)
    change_entry(db_session, TAMPERED, {column: change(entry)})
    assert_broken_at(app, TAMPERED, problem)


def test_a_removed_entry_leaves_a_gap_that_is_named(app, db_session, signatures):
    change_entry(db_session, TAMPERED, {"seq": 7})  # as if entry 3 were gone
    assert_broken_at(app, TAMPERED, "entry 3 is missing (the next entry is 4)")


def test_postgresql_refuses_to_change_or_delete_a_ledger_row(db_session, database_url, signatures):
    if not database_url.startswith("postgresql"):
        pytest.skip("the append-only trigger is PostgreSQL's (SQLite has no such trigger)")
    for statement in (
        sa.update(LEDGER).where(LEDGER.c.seq == 1).values(kind="changed"),
        sa.delete(LEDGER).where(LEDGER.c.seq == 5),
    ):
        with pytest.raises(sa.exc.DBAPIError, match="ledger_entry is append-only"):
            with db_session.begin_nested():
                db_session.execute(statement)
    assert [entry.kind for entry in ledger_entries(db_session)] == ["covenant-signature"] * 5


@pytest.mark.parametrize("workers", [0, 2])
def test_worker_processes_find_the_same_first_bad_entry(db_session, signatures, workers):
    """Long ledgers are checked with worker processes: they must name the same entry and problem."""
    envelope = bytearray(db_session.get(LedgerEntry, 4).envelope)
    envelope[40] ^= 0x01
    change_entry(db_session, 4, {"envelope": bytes(envelope)})
    db_session.execute(
        sa.update(CovenantSignature.__table__)
        .where(CovenantSignature.__table__.c.id == signatures[1].id)
        .values(signer_name="Mallory Smith")
    )

    result = verify_ledger(db_session, record_kinds(), workers=workers)

    assert (result.first_bad_seq, result.entries) == (2, 1)
    assert result.problem == f"covenant_signature {signatures[1].id} signer_name differs from the signed record"
    db_session.execute(
        sa.update(CovenantSignature.__table__)
        .where(CovenantSignature.__table__.c.id == signatures[1].id)
        .values(signer_name=signatures[1].signer_name)
    )
    result = verify_ledger(db_session, record_kinds(), workers=workers)
    assert (result.first_bad_seq, result.problem) == (4, "its envelope does not match its envelope_sha256")
