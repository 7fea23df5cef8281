"""Verifying the whole ledger: what `ledger verify` runs.

Each entry, in seq order: its place in the chain (no gap, prev_hash = the previous entry_hash), its
hashes recomputed, its envelope's signature by a key that was published and not yet retired when the
entry was made, its signed Statement (about the entry's subject, of its kind's predicateType), and
finally the stored record it seals, re-derived by its kind of record.

The checks that need only the entry itself (hashes, envelope, signature, statement) are pure
functions of its fields, and cost most of the time (Ed25519 above all). `ledger verify` of a long
ledger has worker processes read and check ranges of it themselves (entry_ranges.py); this module is
what checks it in one process, or, for a session whose data other connections cannot see (one bound
to a connection in a transaction of its own, as in the tests), with workers a few pages ahead while
this process reads the next pages and checks the chain's links and the stored records (a page of
records at a time, so each kind may check a page in one query). A short ledger is checked in this
process alone: starting workers would cost more.
"""

import multiprocessing
import os
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import event
from sqlalchemy.orm import Session

from covenant_portal.signing import dsse, scan
from covenant_portal.signing.canonical import sha256_hex
from covenant_portal.signing.keys import raw_public_bytes
from covenant_portal.signing.ledger import entry_hash_matches, rfc3339
from covenant_portal.signing.models import GENESIS_HASH
from covenant_portal.signing.records import RecordKind, StatementProblem, signed_statement

# Ledgers at least this long are checked with worker processes (when the machine has more than one CPU).
PARALLEL_FROM_ENTRIES = 5_000
PAGES_AHEAD = 3  # pages handed to the workers before the first is needed


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


class EntryFields(NamedTuple):
    """A ledger entry's stored fields (a plain tuple, so it can be sent to a worker process)."""

    seq: int
    created_at: datetime
    kind: str
    subject: str
    envelope: bytes
    envelope_sha256: str
    prev_hash: str
    entry_hash: str

    @classmethod
    def of(cls, entry) -> "EntryFields":
        return cls(
            entry.seq,
            entry.created_at,
            entry.kind,
            entry.subject,
            bytes(entry.envelope),
            entry.envelope_sha256,
            entry.prev_hash,
            entry.entry_hash,
        )


class EntryCheck(NamedTuple):
    """What an entry's own fields show: the first problem before its key's dates are considered
    (hashes, envelope, signature), the key that signed it, then any problem with its Statement."""

    sealing_problem: str | None
    keyid: str | None
    statement_problem: str | None
    statement: dict | None


def check_entry(
    entry: EntryFields, public_keys: dict[str, Ed25519PublicKey], predicate_types: dict[str, str], hashes=True
) -> EntryCheck:
    """The checks that need nothing but the entry and the published keys (without envelope_sha256
    and entry_hash when not `hashes`: scan.py checked them already)."""
    if hashes and sha256_hex(entry.envelope) != entry.envelope_sha256:
        return EntryCheck(scan.ENVELOPE_MISMATCH, None, None, None)
    if hashes and not entry_hash_matches(entry):
        return EntryCheck(scan.ENTRY_HASH_MISMATCH, None, None, None)
    try:
        envelope = dsse.parse_quickly(entry.envelope)
    except dsse.EnvelopeError as error:
        return EntryCheck(scan.malformed_message(error), None, None, None)
    keyid = dsse.verify(envelope, public_keys)
    if keyid is None:
        return EntryCheck(scan.SIGNATURE_MISMATCH, None, None, None)
    try:
        statement = signed_statement(
            predicate_types, entry.kind, entry.subject, envelope.payload_type, envelope.payload
        )
    except StatementProblem as error:
        return EntryCheck(None, keyid, str(error), None)
    return EntryCheck(None, keyid, None, statement)


@dataclass(frozen=True)
class Sealed:
    """An entry whose chain, envelope and statement are sound, waiting for its record's check."""

    seq: int
    subject: str
    kind: RecordKind
    statement: dict


class ChainVerifier:
    def __init__(
        self,
        session: Session,
        keys: dict[str, VerifyingKey],
        kinds: dict[str, RecordKind],
        workers: int = 0,
        app=None,
        hashes_checked: bool = False,
    ):
        self.session, self.keys, self.kinds, self.workers = session, keys, kinds, workers
        self.hashes = not hashes_checked
        self.app = app  # when given, kinds also re-hash the files their records name
        self.public_keys = {keyid: key.public_key for keyid, key in keys.items()}
        self.predicate_types = {name: kind.predicate_type for name, kind in kinds.items()}

    def verify(self, pages: Iterable[list]) -> VerificationResult:
        expected_seq, prev_hash = 1, GENESIS_HASH
        with _holding_what_is_loaded(self.session) as held:
            for page, checks in self.checked_pages(pages):
                hashes, sealed, broken = {expected_seq - 1: prev_hash}, [], None
                for entry, check in zip(page, checks, strict=True):
                    broken = self.entry_problem(entry, check, expected_seq, prev_hash)
                    if broken is not None:
                        break
                    assert check.statement is not None  # an entry with no problem has its statement
                    sealed.append(Sealed(entry.seq, entry.subject, self.kinds[entry.kind], check.statement))
                    expected_seq, prev_hash = entry.seq + 1, entry.entry_hash
                    hashes[entry.seq] = entry.entry_hash
                # A stored record that no longer matches counts if it comes before a broken link.
                broken = self.first_record_problem(sealed) or broken
                if broken is not None:
                    return VerificationResult(broken.seq - 1, hashes[broken.seq - 1], broken.seq, broken.problem)
                held.clear()
        return VerificationResult(expected_seq - 1, prev_hash)

    def checked_pages(self, pages: Iterable[list]) -> Iterator[tuple[list[EntryFields], list[EntryCheck]]]:
        fields = ([EntryFields.of(entry) for entry in page] for page in pages)
        if self.workers < 2:
            for page in fields:
                yield page, [check_entry(entry, self.public_keys, self.predicate_types, self.hashes) for entry in page]
            return
        raw_keys = {keyid: raw_public_bytes(key) for keyid, key in self.public_keys.items()}
        # Workers come from a fresh fork server, so they inherit none of this process's database connections.
        with ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_start_worker,
            initargs=(raw_keys, self.predicate_types, self.hashes),
        ) as pool:
            pending: deque[tuple[list[EntryFields], list[Future]]] = deque()
            try:
                for page in fields:
                    pending.append(
                        (page, [pool.submit(_check_in_worker, part) for part in _split(page, self.workers * 2)])
                    )
                    if len(pending) > PAGES_AHEAD:
                        yield _resolved(*pending.popleft())
                while pending:
                    yield _resolved(*pending.popleft())
            finally:
                pool.shutdown(cancel_futures=True)

    def entry_problem(self, entry: EntryFields, check: EntryCheck, expected_seq: int, prev_hash: str) -> Broken | None:
        if entry.seq != expected_seq:
            return Broken(expected_seq, scan.gap_problem(expected_seq, entry.seq).message)
        if entry.prev_hash != prev_hash:
            return Broken(entry.seq, scan.PREV_HASH_MISMATCH)
        if check.sealing_problem is not None:
            return Broken(entry.seq, check.sealing_problem)
        assert check.keyid is not None  # check_entry names the key whenever it finds no sealing problem
        valid_until = self.keys[check.keyid].valid_until
        if valid_until is not None and entry.created_at >= valid_until:
            return Broken(entry.seq, scan.retired_message(check.keyid, rfc3339(valid_until)))
        if check.statement_problem is not None:
            return Broken(entry.seq, check.statement_problem)
        return None

    def first_record_problem(self, sealed: list[Sealed]) -> Broken | None:
        """The first entry (by seq) whose stored record differs from what was signed, each kind
        checking its records of the page together."""
        by_kind: dict[str, list[Sealed]] = defaultdict(list)
        for item in sealed:
            by_kind[item.kind.kind].append(item)
        found = []
        for items in by_kind.values():
            problems = items[0].kind.problems(
                self.session, [(item.subject, item.statement) for item in items], self.app
            )
            found += [Broken(item.seq, problem) for item, problem in zip(items, problems, strict=True) if problem]
        return min(found, key=lambda broken: broken.seq, default=None)


# The worker processes' side

_worker_keys: dict[str, Ed25519PublicKey] = {}
_worker_predicate_types: dict[str, str] = {}
_worker_hashes: list[bool] = []


def _start_worker(raw_keys: dict[str, bytes], predicate_types: dict[str, str], hashes: bool) -> None:
    _worker_keys.update({keyid: Ed25519PublicKey.from_public_bytes(raw) for keyid, raw in raw_keys.items()})
    _worker_predicate_types.update(predicate_types)
    _worker_hashes.append(hashes)


def _check_in_worker(entries: list[EntryFields]) -> list[EntryCheck]:
    return [check_entry(entry, _worker_keys, _worker_predicate_types, _worker_hashes[0]) for entry in entries]


def _split(page: list, parts: int) -> list[list]:
    size = max(1, -(-len(page) // parts))
    return [page[start : start + size] for start in range(0, len(page), size)]


def _resolved(page: list[EntryFields], futures: list[Future]) -> tuple[list[EntryFields], list[EntryCheck]]:
    return page, [check for future in futures for check in future.result()]


@contextmanager
def _holding_what_is_loaded(session: Session) -> Iterator[list]:
    """Keeps every object loaded while a page is checked. The session forgets objects nobody holds,
    so a record check that loads the same object for many entries would otherwise query it again."""
    held = []

    def hold(_session, instance) -> None:
        held.append(instance)

    event.listen(session, "loaded_as_persistent", hold)
    try:
        yield held
    finally:
        event.remove(session, "loaded_as_persistent", hold)


def default_workers(entries: int) -> int:
    """Worker processes for a ledger of this many entries: none for a short one."""
    cpus = os.cpu_count() or 1
    return cpus if entries >= PARALLEL_FROM_ENTRIES and cpus > 1 else 0


def verify_chain(
    session: Session,
    pages: Iterable[list],
    keys: dict[str, VerifyingKey],
    kinds: dict[str, RecordKind],
    workers: int = 0,
    app=None,
    hashes_checked: bool = False,
) -> VerificationResult:
    """Recomputes every hash (unless `hashes_checked`) and link and checks every envelope, statement
    and record (and, given the app, the files records name), in seq order."""
    return ChainVerifier(session, keys, kinds, workers, app, hashes_checked).verify(pages)
