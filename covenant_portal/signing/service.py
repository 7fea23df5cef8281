"""Sealing records, publishing keys, the signed ledger head, verifying the ledger."""

from datetime import datetime
from pathlib import Path
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.audit.service import SYSTEM, record
from covenant_portal.private_files import write_private_file_once
from covenant_portal.signing import checkpoints, dsse, entry_ranges, ledger, log_check, note, ranges, scan, tree
from covenant_portal.signing.canonical import canonical_json
from covenant_portal.signing.crash_points import crash_point
from covenant_portal.signing.keys import load_private_key, new_private_key_pem, public_key_from_pem, raw_public_bytes
from covenant_portal.signing.models import GENESIS_HASH, LedgerCheckpoint, LedgerEntry, SigningKey
from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.signing.records import RecordKind
from covenant_portal.signing.statements import statement
from covenant_portal.signing.verification import VerificationResult, VerifyingKey, default_workers, verify_chain

T = TypeVar("T")

LEDGER_SUBJECT = "urn:gm-first:ledger"
LEDGER_HEAD_PREDICATE_TYPE = "urn:gm-first:predicate:ledger-head:v1"


class KeyRetired(RuntimeError):
    """The key was retired by `keys rotate`; nothing may be signed with it any more."""

    def __init__(self, keyid: str, message: str):
        super().__init__(message)
        self.keyid = keyid


def with_current_key(current_key: Callable[[], PortalKey], sign: Callable[[PortalKey], T]) -> T:
    """sign(key) with the key current_key() gives. If that key was retired meanwhile (`keys rotate`,
    perhaps on another machine), the key is asked for again (portal_key() re-reads the key file) and
    a newer one signs instead, once. KeyRetired if there is no newer key."""
    key = current_key()
    try:
        return sign(key)
    except KeyRetired:
        fresh = current_key()
        if fresh.keyid == key.keyid:
            raise
        return sign(fresh)


def publish_key(session: Session, key: PortalKey, now: datetime) -> SigningKey:
    """Makes sure the key is in the published list (added, not committed, if it is new)."""
    published = session.get(SigningKey, key.keyid)
    if published is None:
        # Look again holding the ledger's lock: requests signing for the first time with a new key
        # at the same moment must not both add it.
        ledger.lock_ledger(session)
        published = session.get(SigningKey, key.keyid)
    if published is None:
        published = SigningKey(keyid=key.keyid, public_key_pem=key.public_key_pem, valid_from=now)
        session.add(published)
        session.flush()
        record(session, SYSTEM, "signing_key.published", published, now)
    return published


def date_key_from(session: Session, key: PortalKey, when: datetime, now: datetime) -> bool:
    """For a history made after the fact (`seed-demo`, whose records are dated back to its start): the
    key, published when the portal first started, is dated from `when`, so that none of the records
    it is about to sign is older than the key that signed them (/.well-known/gm-first-keys.json gives
    each key's valid_from). Only while the ledger is empty, so no signed record is older than the
    key's new date either; whether it was dated back. Commits."""
    published = publish_key(session, key, now)
    if published.valid_from <= when or session.scalar(select(LedgerEntry.seq).limit(1)) is not None:
        return False
    record(session, SYSTEM, "signing_key.dated_back", published, now, valid_from=ledger.rfc3339(when))
    published.valid_from = when
    session.commit()
    return True


class KeyNotPublished(RuntimeError):
    """The key is not in the published list yet (`flask keys publish` adds it; so does start-up)."""


def ensure_published(session: Session, key: PortalKey, now: datetime) -> bool:
    """Publishes (and commits) the key if it is not yet, so everything it signs can be checked; whether
    it was new. Run at start-up and by `keys publish`, never by a page."""
    if session.get(SigningKey, key.keyid) is not None:
        return False
    publish_key(session, key, now)
    session.commit()
    return True


def published_keys(session: Session) -> list[SigningKey]:
    return list(session.scalars(select(SigningKey).order_by(SigningKey.valid_from, SigningKey.keyid)))


def verifying_keys(session: Session) -> dict[str, VerifyingKey]:
    return {
        key.keyid: VerifyingKey(public_key_from_pem(key.public_key_pem), key.valid_until)
        for key in published_keys(session)
    }


def keys_document(session: Session, origin: str) -> dict:
    """/.well-known/gm-first-keys.json: each entry of "keys" is a key securesystemslib reads as it is;
    beside them, the checkpoints' origin and each key's signed-note verifier key (c2sp.org/signed-note)."""
    keys = published_keys(session)
    return {
        "keys": [_key_document(key) for key in keys],
        "checkpoints": {
            "origin": origin,
            "verifier_keys": [
                {
                    "keyid": key.keyid,
                    "vkey": str(checkpoints.verifier_key(origin, key.public_key_pem)),
                    "valid_from": ledger.rfc3339(key.valid_from),
                    "valid_until": ledger.rfc3339(key.valid_until) if key.valid_until else None,
                }
                for key in keys
            ],
        },
    }


def _key_document(key: SigningKey) -> dict:
    return {
        "keyid": key.keyid,
        "keytype": "ed25519",
        "scheme": "ed25519",
        "keyval": {"public": raw_public_bytes(public_key_from_pem(key.public_key_pem)).hex()},
        "public_key_pem": key.public_key_pem,
        "valid_from": ledger.rfc3339(key.valid_from),
        "valid_until": ledger.rfc3339(key.valid_until) if key.valid_until else None,
    }


def signed_envelope(
    key: PortalKey, subject_name: str, subject_sha256: str, predicate_type: str, predicate: dict[str, Any]
) -> bytes:
    """The RFC 8785 canonical JSON of a DSSE envelope holding a signed in-toto Statement."""
    payload = canonical_json(statement(subject_name, subject_sha256, predicate_type, predicate))
    envelope = dsse.sign(payload, dsse.IN_TOTO_PAYLOAD_TYPE, key.private_key, key.keyid)
    return canonical_json(envelope.to_dict())


def seal(
    session: Session,
    key: PortalKey,
    *,
    kind: str,
    subject_name: str,
    subject_sha256: str,
    predicate_type: str,
    predicate: dict[str, Any],
    now: datetime,
) -> LedgerEntry:
    """Signs an in-toto Statement about the subject and appends it to the ledger, in the caller's
    transaction: the caller's commit keeps the record and its ledger entry together, or neither."""
    published = publish_key(session, key, now)
    if published.valid_until is not None and now >= published.valid_until:
        raise KeyRetired(
            key.keyid, f"The signing key {key.keyid} was retired at {ledger.rfc3339(published.valid_until)}."
        )
    envelope = signed_envelope(key, subject_name, subject_sha256, predicate_type, predicate)
    crash_point("seal.before_append")
    entry, root = ledger.append_with_root(session, kind, subject_name, envelope, now)
    # The checkpoint covering the new entry, signed in the same transaction (under the ledger's lock).
    checkpoints.sign_checkpoint(session, key, key.origin, entry.seq, root, now)
    crash_point("seal.appended")
    return entry


def ensure_checkpoint(session: Session, key: PortalKey, origin: str, now: datetime) -> LedgerCheckpoint:
    """The latest checkpoint, first signing (and committing) one if the ledger has grown past it
    (only entries from before the tree, or appended without seal(), can be uncovered). KeyRetired
    if `key` was retired: with_current_key retries with the new one."""
    newest = checkpoints.latest(session)
    if newest is not None and newest.tree_size >= _size(session):
        return newest
    ledger.lock_ledger(session)
    published = publish_key(session, key, now)
    if published.valid_until is not None and now >= published.valid_until:
        session.rollback()
        raise KeyRetired(
            key.keyid, f"The signing key {key.keyid} was retired at {ledger.rfc3339(published.valid_until)}."
        )
    size, newest = _size(session), checkpoints.latest(session)
    if newest is None or newest.tree_size < size:
        newest = checkpoints.sign_checkpoint(session, key, origin, size, tree.root_hash(session, size), now)
    session.commit()
    return newest


def _size(session: Session) -> int:
    head = ledger.head(session)
    return head.seq if head is not None else 0


def ledger_head_envelope(session: Session, key: PortalKey, now: datetime) -> bytes:
    """A signed statement of the ledger's size and head hash now. It is not itself a ledger entry:
    whoever keeps one can later show that the ledger has only grown since. KeyNotPublished rather
    than a statement nobody could check."""
    if session.get(SigningKey, key.keyid) is None:
        raise KeyNotPublished(f"The signing key {key.keyid} is not published: run `flask keys publish`.")
    latest = ledger.head(session)
    head_hash = latest.entry_hash if latest else GENESIS_HASH
    predicate = {"size": latest.seq if latest else 0, "headHash": head_hash, "observedAt": ledger.rfc3339(now)}
    return signed_envelope(key, LEDGER_SUBJECT, head_hash, LEDGER_HEAD_PREDICATE_TYPE, predicate)


def rotate_key(session: Session, path: Path, now: datetime) -> tuple[str | None, PortalKey]:
    """A new key at `path`; the old file is kept beside it and its key stops signing now."""
    old_keyid = None
    if path.exists():
        old = PortalKey.from_private_key(load_private_key(path))
        publish_key(session, old, now).valid_until = now
        old_keyid = old.keyid
        path.rename(path.with_name(f"{path.name}.retired-{old.keyid[:16]}"))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private_file_once(path, new_private_key_pem())
    new = PortalKey.from_private_key(load_private_key(path))
    record(session, SYSTEM, "signing_key.rotated", publish_key(session, new, now), now, retired=old_keyid)
    session.commit()
    return old_keyid, new


def verify_ledger(
    session: Session,
    kinds: dict[str, RecordKind],
    workers: int | None = None,
    *,
    app=None,
    origin: str | None = None,
    saved: log_check.SavedCheckpoint | None = None,
    integrity_only: bool = False,
) -> VerificationResult:
    """The whole ledger checked against the published keys and the stored records (with worker
    processes for a long ledger unless `workers` says how many: 0 for none), its Merkle tree
    recomputed from the receipts against the stored tree and the portal's latest checkpoint, and
    against `saved`, a checkpoint someone kept; then every other checkpoint the portal keeps. Given the app, kinds re-hash the files their records
    name. integrity_only: the chain, tree and checkpoints, without each entry's signature or record."""
    latest = log_check.latest_checkpoint(session)
    sizes = ({latest.tree_size} if latest else set()) | _saved_size(saved)
    size = _size(session)
    if workers is None:
        workers = default_workers(size)
    broken, roots, checked = _ranged_checks(session, kinds, app, sizes, size, workers, integrity_only)
    if checked:
        result = VerificationResult(size, _entry_hash(session, size))
    else:
        pages = ledger.entry_pages(session)
        result = verify_chain(session, pages, verifying_keys(session), kinds, workers, app, hashes_checked=True)
    if broken is not None and (result.first_bad_seq is None or _comes_first(broken, result.first_bad_seq)):
        result = VerificationResult(broken.seq - 1, _entry_hash(session, broken.seq - 1), broken.seq, broken.message)
    if not result.ok:
        return result
    if origin is None and latest is not None:
        origin = note.parse_note(latest.note).text.split("\n", 1)[0]
    vkeys = checkpoints.checkpoint_verifier_keys(session, origin or "")
    problem = log_check.checkpoint_problem(session, result, roots, latest, vkeys, saved)
    if problem is None:
        checked = {latest.tree_size} if latest is not None else set()
        problem = log_check.kept_checkpoints_problem(session, vkeys, checked, signatures=not integrity_only)
    return result if problem is None else VerificationResult(result.entries, result.head_hash, None, problem)


def _comes_first(broken: scan.Problem, chain_seq: int) -> bool:
    """Whether the chain and tree's problem comes before the one verify_chain found at chain_seq: at
    one entry, the hashes are checked before the envelope (the tree's leaf after everything)."""
    return broken.seq < chain_seq or (broken.seq == chain_seq and broken.rank < scan.MALFORMED)


def _ranged_checks(session: Session, kinds, app, sizes, size: int, workers: int, integrity_only: bool):
    """The chain and the tree checked (scan.py: the raw cursor; in ranges by workers for a long ledger
    checked for integrity only) and, for a full check of a long ledger, with each entry's signature,
    statement and record, by workers (entry_ranges.py): (the first problem, the roots at `sizes`,
    whether that was all to check)."""
    url = ranges.database_url(session) if workers > 1 and not integrity_only else None
    if url is None:
        broken, roots = ranges.check_integrity(session, sizes, size, workers if integrity_only else 0)
        return broken, roots, integrity_only
    keys = entry_ranges.key_pairs(verifying_keys(session))
    bounds, checks = entry_ranges.check_ranges(url, size, workers, keys, kinds, app, sizes)
    broken, roots = ranges.stitch(session.connection(), bounds, checks, sizes)
    return broken, roots, True


def _saved_size(saved: log_check.SavedCheckpoint | None) -> set[int]:
    try:
        return {note.parse_checkpoint(note.parse_note(saved.text).text).size} if saved else set()
    except note.NoteError:
        return set()


def _entry_hash(session: Session, seq: int) -> str:
    entry = session.get(LedgerEntry, seq) if seq > 0 else None
    return entry.entry_hash if entry is not None else GENESIS_HASH
