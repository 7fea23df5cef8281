"""`ledger verify`'s transparency-log checks: the Merkle tree recomputed from the receipts, the
stored tree's leaves, the portal's latest checkpoint, and a checkpoint kept by someone outside.

A hash chain alone cannot show that its newest entries were removed, or that it was rebuilt from
some entry on: the remaining chain is intact. A checkpoint signed earlier can: the ledger must
still have at least its size, and its first entries must hash to its root.

Every other checkpoint the portal keeps is checked too (kept_checkpoints_problem): each is published
for ever at /ledger/checkpoints/<size>, and proofs at its size refer to it.
"""

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timezone

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.signing import merkle, note
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
    published = [vkey for vkey, _key in vkeys.values()]
    if not note.signed_by(signed, *published):
        return f"{saved.label} {_unsigned(signed, stated, vkeys)}"
    problem = _retired_signer_problem(session, signed, stated, vkeys, saved.label)
    if problem:
        return problem
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


def _retired_signer_problem(
    session: Session, signed: note.Note, stated: note.Checkpoint, vkeys: dict, label: str
) -> str | None:
    """A checkpoint carries no signing time, so one signed only by retired keys (all its lines by
    published keys verify: checkpoint_problem checked) is the portal's only if it is no larger than
    the largest checkpoint the portal kept signed by one of them; a larger one was made with the key
    after its retirement (stolen, say), and would otherwise read as the ledger cut short."""
    lines = {(line.name, line.key_id) for line in signed.signatures}
    signers = [key for vkey, key in vkeys.values() if (vkey.name, vkey.key_id) in lines]
    if not signers or any(key.valid_until is None for key in signers):
        return None
    largest = {
        key.keyid: session.scalar(
            select(sa.func.max(LedgerCheckpoint.tree_size)).where(LedgerCheckpoint.keyid == key.keyid)
        )
        or 0
        for key in signers
    }
    if stated.size <= max(largest.values()):
        return None
    key = signers[0]
    retired = key.valid_until.replace(tzinfo=key.valid_until.tzinfo or timezone.utc).astimezone(timezone.utc)
    return (
        f"{label} is signed by key {key.keyid}, retired at {retired:%Y-%m-%dT%H:%M:%SZ}, but covers {stated.size} "
        f"entries, more than any checkpoint of that key's the portal keeps ({largest[key.keyid]}): either it was "
        "not signed by the portal before the key was retired, or the portal's own checkpoints were cut short too"
    )


def _unsigned(signed: note.Note, stated: note.Checkpoint, vkeys: dict) -> str:
    """Why no published key's signature of a saved checkpoint verifies, as an operator needs to hear it."""
    known = {(vkey.name, vkey.key_id) for vkey, _key in vkeys.values()}
    refused = _refused_beside_a_valid_line(signed, [vkey for vkey, _key in vkeys.values()])
    if refused is not None:
        return (
            f"is refused: one of the portal's signatures in it verifies, but {note.refusal(refused)}: a signature "
            "line was changed or added after the portal signed it"
        )
    if any((line.name, line.key_id) in known for line in signed.signatures):
        return (
            "carries the portal's signature, but it does not verify: the checkpoint's text (its origin, size or "
            "root hash) or that signature was changed after the portal signed it"
        )
    return f"is not signed by any of the portal's published keys for the origin {stated.origin!r}"


def _refused_beside_a_valid_line(signed: note.Note, keys: list[note.VerifierKey]) -> note.VerifierKey | None:
    """The key of a line that fails in a note another line of which is a valid signature by one of the
    keys: refused whole (c2sp.org/signed-note), where a note with no valid line was simply changed."""
    checked = note.checked_lines(signed, *keys)
    if not any(verifies for _key, verifies in checked):
        return None
    return next((key for key, verifies in checked if not verifies), None)


def _own_checkpoint_problem(latest: LedgerCheckpoint, vkeys: dict, size: int, root: bytes | None) -> str | None:
    label = f"the portal's latest checkpoint (size {latest.tree_size})"
    problem = kept_checkpoint_problem(label, latest, vkeys, signature=True)
    if problem:
        return problem
    if latest.tree_size > size:
        return (
            f"the ledger has been cut short: it has {size} entries, but {label} covers {latest.tree_size} "
            f"(entries {size + 1} to {latest.tree_size} are gone)"
        )
    if root != bytes(latest.root_hash):
        return (
            f"the ledger is not consistent with {label}: its first {latest.tree_size} entries do not hash to "
            "that checkpoint's root, so an entry among them was changed or replaced since"
        )
    return None


def kept_checkpoint_problem(
    label: str, kept: LedgerCheckpoint, vkeys: dict, signature: bool, any_origin=False
) -> str | None:
    """What is wrong with a checkpoint the portal keeps, by itself: its note, which must say the size
    and root kept beside it, and (if `signature`) its signature by its key, made before that key was
    retired. `vkeys`: keyid -> (verifier key, SigningKey), named for the origin the note must be of;
    with `any_origin`, the note's own origin is the key's name (a portal whose address, and so its
    log's origin, changed signed its earlier checkpoints under the earlier origin)."""
    found = vkeys.get(kept.keyid)
    try:
        signed = note.parse_note(kept.note)
        stated = note.parse_checkpoint(signed.text)
    except note.NoteError as error:
        return f"{label} is not a checkpoint: {error}"
    if signature:
        # Every published key's lines must verify (c2sp.org/signed-note), and its own key's be among them.
        named = [replace(vkey, name=stated.origin) if any_origin else vkey for vkey, _key in vkeys.values()]
        verified = note.signed_by(signed, *named)
        if not verified and (refused := _refused_beside_a_valid_line(signed, named)) is not None:
            return f"{label} is refused: {note.refusal(refused)}"
        own = None if found is None else replace(found[0], name=stated.origin) if any_origin else found[0]
        lines = {(line.name, line.key_id) for line in signed.signatures}
        if found is None or own is None or not verified or (own.name, own.key_id) not in lines:
            return f"{label} is not signed by its key {kept.keyid}"
        if found[1].valid_until is not None and kept.signed_at >= found[1].valid_until:
            return f"{label} was signed with key {kept.keyid} after that key was retired"
    if (stated.size, stated.root_hash) != (kept.tree_size, bytes(kept.root_hash)):
        return f"{label} does not say the size and root hash kept beside it"
    return None


def kept_checkpoints_problem(session: Session, vkeys: dict, checked: set[int], signatures: bool) -> str | None:
    """The first problem of the checkpoints the portal keeps, by size, but those of `checked` sizes
    (the latest, checked already): each by itself (kept_checkpoint_problem), then its root against
    the tree rebuilt from the stored leaves up to its size. Run once the chain and tree are found
    intact, when the stored leaves are known to be the receipts' hashes; the tree keeps only its
    right border and the checkpoints and leaves are read a page at a time, so memory stays flat."""
    builder, leaves = merkle.TreeBuilder(), _stored_leaves(session.connection())
    for kept in _kept_checkpoints(session, checked):
        label = f"the portal's checkpoint of size {kept.tree_size}"
        problem = kept_checkpoint_problem(label, kept, vkeys, signatures, any_origin=True)
        if problem:
            return problem
        while builder.size < kept.tree_size and (leaf := next(leaves, None)) is not None:
            builder.push_quick(leaf)
        if builder.size < kept.tree_size or builder.root() != bytes(kept.root_hash):
            return (
                f"{label} does not match the ledger: its first {kept.tree_size} entries hash to another root, "
                "so that checkpoint was changed or replaced after it was signed"
            )
    return None


_PAGE = 1000


def _kept_checkpoints(session: Session, checked: set[int]) -> Iterator[LedgerCheckpoint]:
    after = -1
    while True:
        page = session.scalars(
            select(LedgerCheckpoint)
            .where(LedgerCheckpoint.tree_size > after)
            .order_by(LedgerCheckpoint.tree_size)
            .limit(_PAGE)
        ).all()
        if not page:
            return
        yield from (kept for kept in page if kept.tree_size not in checked)
        after = page[-1].tree_size


def _stored_leaves(connection: sa.Connection) -> Iterator[bytes]:
    query = sa.text("SELECT hash FROM ledger_tree_node WHERE level = 0 AND idx >= :lo AND idx < :hi ORDER BY idx")
    lo = 0
    while True:
        page = connection.execute(query, {"lo": lo, "hi": lo + _PAGE}).scalars().all()
        if not page:
            return
        yield from (bytes(leaf) for leaf in page)
        lo += _PAGE


def latest_checkpoint(session: Session) -> LedgerCheckpoint | None:
    return session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.tree_size.desc()).limit(1)).first()
