"""`ledger verify`'s transparency-log checks: the Merkle tree recomputed from the receipts, the
stored tree's leaves, the portal's latest checkpoint, and a checkpoint kept by someone outside.

A hash chain alone cannot show that its newest entries were removed, or that it was rebuilt from
some entry on: the remaining chain is intact. A checkpoint signed earlier can: the ledger must
still have at least its size, and its first entries must hash to its root.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.signing import note
from covenant_portal.signing.models import LedgerCheckpoint
from covenant_portal.signing.verification import VerificationResult


@dataclass(frozen=True)
class SavedCheckpoint:
    """A checkpoint someone kept (`ledger verify --checkpoint FILE`), and what to call it."""

    text: str
    label: str


def checkpoint_problem(
    session: Session,
    result: VerificationResult,
    roots: dict[int, bytes],
    latest: LedgerCheckpoint | None,
    vkeys: dict,
    saved: SavedCheckpoint | None,
) -> str | None:
    """What is wrong with the intact ledger of `result.entries` entries given its own latest
    checkpoint and the saved one, or None. `vkeys`: keyid -> (verifier key, SigningKey)."""
    size = result.entries
    if latest is not None:
        problem = _own_checkpoint_problem(latest, vkeys, size, roots.get(latest.tree_size))
        if problem:
            return problem
    if saved is None:
        return None
    try:
        signed = note.parse_note(saved.text)
        stated = note.parse_checkpoint(signed.text)
    except note.NoteError as error:
        return f"{saved.label} is not a checkpoint: {error}"
    if not any(note.signed_by(signed, vkey) for vkey, _key in vkeys.values()):
        return f"{saved.label} is not signed by any of the portal's published keys for the origin {stated.origin!r}"
    if stated.size > size:
        return (
            f"the ledger has been cut short: it has {size} entries, but the checkpoint in {saved.label}, "
            f"signed by the portal, covers {stated.size} (entries {size + 1} to {stated.size} are gone)"
        )
    if roots.get(stated.size) != stated.root_hash:
        return (
            f"the ledger is not consistent with the checkpoint in {saved.label}: its first {stated.size} "
            "entries do not hash to that checkpoint's root, so an entry among them was changed, removed or "
            "replaced since (the ledger was rewritten, or this is a fork of it)"
        )
    return None


def _own_checkpoint_problem(latest: LedgerCheckpoint, vkeys: dict, size: int, root: bytes | None) -> str | None:
    label = f"the portal's latest checkpoint (size {latest.tree_size})"
    found = vkeys.get(latest.keyid)
    try:
        signed = note.parse_note(latest.note)
        stated = note.parse_checkpoint(signed.text)
    except note.NoteError as error:
        return f"{label} is not a checkpoint: {error}"
    if found is None or not note.signed_by(signed, found[0]):
        return f"{label} is not signed by its key {latest.keyid}"
    key = found[1]
    if key.valid_until is not None and latest.signed_at >= key.valid_until:
        return f"{label} was signed with key {latest.keyid} after that key was retired"
    if (stated.size, stated.root_hash) != (latest.tree_size, bytes(latest.root_hash)):
        return f"{label} does not say the size and root hash kept beside it"
    if latest.tree_size > size:
        return (
            f"the ledger has been cut short: it has {size} entries, but {label} covers {latest.tree_size} "
            f"(entries {size + 1} to {latest.tree_size} are gone)"
        )
    if root != stated.root_hash:
        return (
            f"the ledger is not consistent with {label}: its first {latest.tree_size} entries do not hash to "
            "that checkpoint's root, so an entry among them was changed or replaced since"
        )
    return None


def latest_checkpoint(session: Session) -> LedgerCheckpoint | None:
    return session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.tree_size.desc()).limit(1)).first()
