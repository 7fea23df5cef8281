"""The hash-chained ledger: append in the caller's transaction, read it back a page at a time, export it.

verification.py checks it."""

import json
from collections.abc import Iterator
from datetime import datetime, timezone

from sqlalchemy import Row, select, text
from sqlalchemy.orm import Session

from covenant_portal.signing import tree
from covenant_portal.signing.canonical import canonical_json, sha256_hex
from covenant_portal.signing.models import GENESIS_HASH, LedgerEntry

# The transaction-scoped advisory lock that serialises appends on PostgreSQL. Advisory locks are
# shared by the whole database, so its key is made from the schema's name: portals (or test runs)
# in different schemas of one database have ledgers of their own and must not wait for each other.
LOCK_LEDGER = "SELECT pg_advisory_xact_lock(hashtextextended('gm-first-ledger:' || current_schema(), 0))"


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hashed_fields(
    seq: int, created_at: datetime, kind: str, subject: str, envelope_sha256: str, prev_hash: str
) -> dict:
    """What entry_hash covers."""
    return {
        "seq": seq,
        "created_at": rfc3339(created_at),
        "kind": kind,
        "subject": subject,
        "envelope_sha256": envelope_sha256,
        "prev_hash": prev_hash,
    }


def entry_hash(seq: int, created_at: datetime, kind: str, subject: str, envelope_sha256: str, prev_hash: str) -> str:
    return sha256_hex(canonical_json(hashed_fields(seq, created_at, kind, subject, envelope_sha256, prev_hash)))


def entry_hash_matches(entry) -> bool:
    """Whether an entry's entry_hash is the hash of its fields.

    Tried first with the standard library's JSON (sorted keys, no spaces), which for these fields
    (ASCII keys, an integer and strings) gives the RFC 8785 bytes in every case that matters and is
    several times faster; the RFC 8785 encoder decides whenever the quick bytes do not match, so a
    difference between the two encoders could only slow the check, never change its answer."""
    fields = hashed_fields(
        entry.seq, entry.created_at, entry.kind, entry.subject, entry.envelope_sha256, entry.prev_hash
    )
    quick = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8", "surrogatepass"
    )
    return sha256_hex(quick) == entry.entry_hash or sha256_hex(canonical_json(fields)) == entry.entry_hash


def head(session: Session) -> Row | None:
    """The last entry's seq and entry_hash (not the whole entry: appends only need those)."""
    return session.execute(
        select(LedgerEntry.seq, LedgerEntry.entry_hash).order_by(LedgerEntry.seq.desc()).limit(1)
    ).first()


def append(session: Session, kind: str, subject: str, envelope: bytes, now: datetime) -> LedgerEntry:
    """Adds the next entry; the caller's commit makes it (and the record it seals) durable together."""
    return append_with_root(session, kind, subject, envelope, now)[0]


def append_with_root(
    session: Session, kind: str, subject: str, envelope: bytes, now: datetime
) -> tuple[LedgerEntry, bytes]:
    """append, which also adds the receipt's leaf to the Merkle tree (same transaction): the entry,
    and the tree's root hash with it."""
    lock_ledger(session)
    previous = head(session)
    seq = 1 if previous is None else previous.seq + 1
    prev_hash = GENESIS_HASH if previous is None else previous.entry_hash
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
    return entry, tree.append_leaf(session, seq - 1, envelope)


def lock_ledger(session: Session) -> None:
    """Serialises appends (and key publication) until the caller's transaction ends.

    On PostgreSQL the next appender waits here, then reads this transaction's entry as the head: no
    two entries can share a seq (a fork) and none can be skipped (a gap). On SQLite every write
    transaction already starts with BEGIN IMMEDIATE, which serialises writers."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(LOCK_LEDGER))


def entry_pages(session: Session, page_size: int = 1000) -> Iterator[list[Row]]:
    """Every entry's fields in seq order, a page at a time (keyset paging: no cursor is held open while
    the caller runs other queries, and memory stays flat however long the ledger grows). Plain rows,
    not LedgerEntry objects: reading a long ledger is several times faster without the ORM."""
    after = 0
    entries = LedgerEntry.__table__
    while True:
        page = list(
            session.execute(select(entries).where(entries.c.seq > after).order_by(entries.c.seq).limit(page_size))
        )
        if page:
            yield page
        if len(page) < page_size:
            return
        after = page[-1].seq


def export_record(entry: Row) -> dict:
    """One line of `ledger export`: the entry's fields, with the envelope as a JSON object."""
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
