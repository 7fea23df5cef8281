"""Verifying the whole ledger: what `ledger verify` runs.

Each entry, in seq order: its place in the chain (no gap, prev_hash = the previous entry_hash), its
hashes recomputed, its envelope's signature by a key that was published and not yet retired when the
entry was made, its signed Statement (about the entry's subject, of its kind's predicateType), and
finally the stored record it seals, re-derived by its kind of record. Entries are read and their
records checked a page at a time, so each kind may check a page of records in one query.
"""
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import event
from sqlalchemy.orm import Session

from covenant_portal.signing import dsse
from covenant_portal.signing.canonical import sha256_hex
from covenant_portal.signing.ledger import entry_hash, rfc3339
from covenant_portal.signing.models import GENESIS_HASH, LedgerEntry
from covenant_portal.signing.records import RecordKind, StatementProblem, signed_statement


@dataclass(frozen=True)
class VerifyingKey:
    """A published key, and when it stopped signing (None while it is the current key)."""

    public_key: Ed25519PublicKey
    valid_until: datetime | None


@dataclass(frozen=True)
class VerificationResult:
    entries: int  # the intact entries: all of them, or those before the first bad one
    head_hash: str  # the entry_hash of the last intact entry
    first_bad_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class Broken(Exception):
    def __init__(self, seq: int, problem: str):
        super().__init__(problem)
        self.seq, self.problem = seq, problem


@dataclass(frozen=True)
class Sealed:
    """An entry whose chain, envelope and statement are sound, waiting for its record's check."""

    seq: int
    entry_hash: str
    subject: str
    kind: RecordKind
    statement: dict


class ChainVerifier:
    def __init__(self, session: Session, keys: dict[str, VerifyingKey], kinds: dict[str, RecordKind]):
        self.session, self.keys, self.kinds = session, keys, kinds
        self.public_keys = {keyid: key.public_key for keyid, key in keys.items()}

    def verify(self, pages: Iterable[list[LedgerEntry]]) -> VerificationResult:
        expected_seq, prev_hash = 1, GENESIS_HASH
        with _holding_what_is_loaded(self.session) as held:
            for page in pages:
                hashes, sealed, broken = {expected_seq - 1: prev_hash}, [], None
                try:
                    for entry in page:
                        sealed.append(self.sealed(entry, expected_seq, prev_hash))
                        expected_seq, prev_hash = entry.seq + 1, entry.entry_hash
                        hashes[entry.seq] = entry.entry_hash
                except Broken as error:
                    broken = error
                # A stored record that no longer matches counts if it comes before a broken link.
                broken = self.first_record_problem(sealed) or broken
                if broken is not None:
                    return VerificationResult(broken.seq - 1, hashes[broken.seq - 1], broken.seq, broken.problem)
                held.clear()
        return VerificationResult(expected_seq - 1, prev_hash)

    def sealed(self, entry: LedgerEntry, expected_seq: int, prev_hash: str) -> Sealed:
        if entry.seq != expected_seq:
            raise Broken(expected_seq, _gap_problem(expected_seq, entry.seq))
        problem = _chain_problem(entry, prev_hash)
        if problem:
            raise Broken(entry.seq, problem)
        try:
            envelope = dsse.parse(entry.envelope)
        except dsse.EnvelopeError as error:
            raise Broken(entry.seq, f"its envelope is malformed: {error}") from error
        self.check_signature(entry, envelope)
        try:
            kind, statement = signed_statement(
                self.kinds, entry.kind, entry.subject, envelope.payload_type, envelope.payload
            )
        except StatementProblem as error:
            raise Broken(entry.seq, str(error)) from error
        return Sealed(entry.seq, entry.entry_hash, entry.subject, kind, statement)

    def check_signature(self, entry: LedgerEntry, envelope: dsse.Envelope) -> None:
        keyid = dsse.verify(envelope, self.public_keys)
        if keyid is None:
            raise Broken(entry.seq, "its envelope signature does not verify with any published key")
        valid_until = self.keys[keyid].valid_until
        if valid_until is not None and entry.created_at >= valid_until:
            raise Broken(
                entry.seq, f"it was signed with key {keyid} after that key was retired at {rfc3339(valid_until)}"
            )

    def first_record_problem(self, sealed: list[Sealed]) -> Broken | None:
        """The first entry (by seq) whose stored record differs from what was signed, each kind
        checking its records of the page together."""
        by_kind: dict[str, list[Sealed]] = defaultdict(list)
        for item in sealed:
            by_kind[item.kind.kind].append(item)
        found = []
        for items in by_kind.values():
            problems = items[0].kind.problems(self.session, [(item.subject, item.statement) for item in items])
            found += [Broken(item.seq, problem) for item, problem in zip(items, problems, strict=True) if problem]
        return min(found, key=lambda broken: broken.seq, default=None)


def _chain_problem(entry: LedgerEntry, prev_hash: str) -> str | None:
    if entry.prev_hash != prev_hash:
        return "its prev_hash is not the previous entry's entry_hash"
    if sha256_hex(entry.envelope) != entry.envelope_sha256:
        return "its envelope does not match its envelope_sha256"
    recomputed = entry_hash(entry.seq, entry.created_at, entry.kind, entry.subject, entry.envelope_sha256, prev_hash)
    if recomputed != entry.entry_hash:
        return "its entry_hash does not match its fields"
    return None


def _gap_problem(expected_seq: int, found_seq: int) -> str:
    if found_seq < expected_seq:
        return f"entry {found_seq} appears again after entry {expected_seq - 1}"
    return f"entry {expected_seq} is missing (the next entry is {found_seq})"


@contextmanager
def _holding_what_is_loaded(session: Session) -> Iterator[list]:
    """Keeps every object loaded while a page is checked. The session forgets objects nobody holds,
    so a record check that loads, say, the same covenant version for every entry would otherwise
    query it again each time."""
    held = []

    def hold(_session, instance) -> None:
        held.append(instance)

    event.listen(session, "loaded_as_persistent", hold)
    try:
        yield held
    finally:
        event.remove(session, "loaded_as_persistent", hold)


def verify_chain(
    session: Session, pages: Iterable[list[LedgerEntry]], keys: dict[str, VerifyingKey], kinds: dict[str, RecordKind]
) -> VerificationResult:
    """Recomputes every hash and link and checks every envelope, statement and record, in seq order."""
    return ChainVerifier(session, keys, kinds).verify(pages)
