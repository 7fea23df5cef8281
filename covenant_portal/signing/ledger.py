"""The hash-chained ledger: append in the caller's transaction, verify the whole chain."""
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from covenant_portal.signing import dsse
from covenant_portal.signing.canonical import canonical_json, sha256_hex
from covenant_portal.signing.models import GENESIS_HASH, LedgerEntry

# Any fixed number: the transaction-scoped advisory lock that serialises appends on PostgreSQL.
LEDGER_LOCK_ID = 0x474D4C4544474552  # "GMLEDGER"


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(seq: int, created_at: datetime, kind: str, subject: str, envelope_sha256: str, prev_hash: str) -> str:
    return sha256_hex(
        canonical_json(
            {
                "seq": seq,
                "created_at": rfc3339(created_at),
                "kind": kind,
                "subject": subject,
                "envelope_sha256": envelope_sha256,
                "prev_hash": prev_hash,
            }
        )
    )


def head(session: Session) -> LedgerEntry | None:
    return session.scalar(select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(1))


def append(session: Session, kind: str, subject: str, envelope: bytes, now: datetime) -> LedgerEntry:
    """Adds the next entry; the caller's commit makes it (and the record it seals) durable together."""
    _serialise_appends(session)
    previous = head(session)
    seq = 1 if previous is None else previous.seq + 1
    prev_hash = GENESIS_HASH if previous is None else previous.entry_hash
    # The stored time is what gets hashed, so drop what a database might not keep (below microseconds).
    created_at = now.astimezone(timezone.utc)
    envelope_sha256 = sha256_hex(envelope)
    entry = LedgerEntry(
        seq=seq,
        created_at=created_at,
        kind=kind,
        subject=subject,
        envelope=envelope,
        envelope_sha256=envelope_sha256,
        prev_hash=prev_hash,
        entry_hash=entry_hash(seq, created_at, kind, subject, envelope_sha256, prev_hash),
    )
    session.add(entry)
    session.flush()
    return entry


def _serialise_appends(session: Session) -> None:
    # On SQLite every write transaction already starts with BEGIN IMMEDIATE, which serialises writers.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock_id)"), {"lock_id": LEDGER_LOCK_ID})


@dataclass(frozen=True)
class VerificationResult:
    entries: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(entries: Iterable[LedgerEntry], public_keys: dict[str, Ed25519PublicKey]) -> VerificationResult:
    """Recomputes every hash and link and checks every envelope signature, in seq order."""
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    for entry in entries:
        problem = _problem_with(entry, expected_seq, prev_hash, public_keys)
        if problem:
            return VerificationResult(count, prev_hash, entry.seq, problem)
        expected_seq, prev_hash, count = entry.seq + 1, entry.entry_hash, count + 1
    return VerificationResult(count, prev_hash)


def _problem_with(entry: LedgerEntry, expected_seq: int, prev_hash: str, public_keys) -> str | None:
    if entry.seq != expected_seq:
        return f"expected entry {expected_seq} next but found {entry.seq} (a gap or reordering)"
    if entry.prev_hash != prev_hash:
        return "prev_hash does not match the previous entry's entry_hash"
    if sha256_hex(entry.envelope) != entry.envelope_sha256:
        return "the envelope does not match envelope_sha256"
    recomputed = entry_hash(
        entry.seq, entry.created_at, entry.kind, entry.subject, entry.envelope_sha256, entry.prev_hash
    )
    if recomputed != entry.entry_hash:
        return "entry_hash does not match the entry's fields"
    return _envelope_problem(entry, public_keys)


def _envelope_problem(entry: LedgerEntry, public_keys) -> str | None:
    try:
        envelope = dsse.parse(entry.envelope)
    except dsse.EnvelopeError as error:
        return f"the envelope is malformed: {error}"
    if dsse.verify(envelope, public_keys) is None:
        return "the envelope signature does not verify with any published key"
    return None


def iterate_entries(session: Session, batch_size: int = 2000) -> Iterable[LedgerEntry]:
    return session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq).execution_options(yield_per=batch_size))


def export_record(entry: LedgerEntry) -> dict:
    return {
        "seq": entry.seq,
        "created_at": rfc3339(entry.created_at),
        "kind": entry.kind,
        "subject": entry.subject,
        "envelope": json.loads(entry.envelope),
        "envelope_sha256": entry.envelope_sha256,
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }
