"""Sealing records, publishing keys, verifying the ledger."""
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.signing import dsse, ledger
from covenant_portal.signing.canonical import canonical_json
from covenant_portal.private_files import write_private_file_once
from covenant_portal.signing.keys import load_private_key, new_private_key_pem, public_key_from_pem
from covenant_portal.signing.models import LedgerEntry, SigningKey
from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.signing.statements import statement


def publish_key(session: Session, key: PortalKey, now: datetime) -> SigningKey:
    """Makes sure the key is in the published list (added, not committed, if it is new)."""
    published = session.get(SigningKey, key.keyid)
    if published is None:
        published = SigningKey(keyid=key.keyid, public_key_pem=key.public_key_pem, valid_from=now)
        session.add(published)
        session.flush()
    return published


def published_keys(session: Session) -> list[SigningKey]:
    return list(session.scalars(select(SigningKey).order_by(SigningKey.valid_from)))


def public_keys_by_id(session: Session) -> dict[str, Ed25519PublicKey]:
    return {key.keyid: public_key_from_pem(key.public_key_pem) for key in published_keys(session)}


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
    publish_key(session, key, now)
    payload = canonical_json(statement(subject_name, subject_sha256, predicate_type, predicate))
    envelope = dsse.sign(payload, dsse.IN_TOTO_PAYLOAD_TYPE, key.private_key, key.keyid)
    return ledger.append(session, kind, subject_name, canonical_json(envelope.to_dict()), now)


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
    publish_key(session, new, now)
    session.commit()
    return old_keyid, new


def verify_ledger(session: Session) -> ledger.VerificationResult:
    return ledger.verify_chain(ledger.iterate_entries(session), public_keys_by_id(session))
