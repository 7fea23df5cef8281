"""`ledger verify`'s transparency-log checks: the Merkle tree recomputed from the receipts, the
stored tree's leaves, the portal's latest checkpoint, and a checkpoint kept by someone outside.

A hash chain alone cannot show that its newest entries were removed, or that it was rebuilt from
some entry on: the remaining chain is intact. A checkpoint signed earlier can: the ledger must
still have at least its size, and its first entries must hash to its root.
"""

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.signing import note
from covenant_portal.signing.ledger import entry_hash_matches
from covenant_portal.signing.merkle import TreeBuilder
from covenant_portal.signing.models import GENESIS_HASH, LedgerCheckpoint, LedgerTreeNode
from covenant_portal.signing.verification import Broken, VerificationResult, _gap_problem


@dataclass(frozen=True)
class SavedCheckpoint:
    """A checkpoint someone kept (`ledger verify --checkpoint FILE`), and what to call it."""

    text: str
    label: str


class TreeWatch:
    """Recomputes the tree from the receipts as pages of entries go by, compares each leaf with the
    stored one, and keeps the root at the sizes asked for."""

    def __init__(self, session: Session, sizes: Iterable[int]):
        self.session, self.sizes = session, set(sizes)
        self.builder, self.roots = TreeBuilder(), {}
        self.broken: Broken | None = None
        if 0 in self.sizes:
            self.roots[0] = self.builder.root()

    def pages(self, pages: Iterable[list]) -> Iterator[list]:
        for page in pages:
            if self.broken is None:
                self._watch(page)
            yield page

    def _watch(self, page: list) -> None:
        builder, sizes, leaves = self.builder, self.sizes, []
        for entry in page:
            if entry.seq != builder.size + 1:
                return  # the chain's check names the gap
            leaf = hashlib.sha256(b"\x00" + bytes(entry.envelope)).digest()
            leaves.append(leaf)
            builder.push_quick(leaf)
            if builder.size in sizes:
                self.roots[builder.size] = builder.root()
        nodes = LedgerTreeNode.__table__
        first = page[0].seq - 1
        stored = list(
            self.session.scalars(
                select(nodes.c.hash)
                .where(nodes.c.level == 0, nodes.c.idx >= first, nodes.c.idx < first + len(leaves))
                .order_by(nodes.c.idx)
            )
        )
        for offset, leaf in enumerate(leaves):
            if offset >= len(stored) or bytes(stored[offset]) != leaf:
                self.broken = Broken(
                    first + offset + 1, "its leaf in the Merkle tree (ledger_tree_node) is not the hash of its receipt"
                )
                return


def integrity_pages(pages: Iterable[list]) -> VerificationResult:
    """The chain checked without the signatures, statements or records: each entry's place,
    envelope_sha256 and entry_hash (what `ledger verify --integrity-only` adds to the tree's check)."""
    expected, prev_hash = 1, GENESIS_HASH
    for page in pages:
        for entry in page:
            problem = None
            if entry.seq != expected:
                return VerificationResult(expected - 1, prev_hash, expected, _gap_problem(expected, entry.seq))
            if entry.prev_hash != prev_hash:
                problem = "its prev_hash is not the previous entry's entry_hash"
            elif hashlib.sha256(entry.envelope).hexdigest() != entry.envelope_sha256:
                problem = "its envelope does not match its envelope_sha256"
            elif not _quick_entry_hash_matches(entry) and not entry_hash_matches(entry):
                problem = "its entry_hash does not match its fields"
            if problem is not None:
                return VerificationResult(expected - 1, prev_hash, entry.seq, problem)
            expected, prev_hash = entry.seq + 1, entry.entry_hash
    return VerificationResult(expected - 1, prev_hash)


# Printable ASCII but for " and \\: such a string's JSON (and RFC 8785) form is itself in quotes.
_PLAIN = re.compile(r"[ !#-\[\]-~]*\Z")


def _quick_entry_hash_matches(entry) -> bool:
    """entry_hash_matches's answer when it is True, found faster (the usual case): the canonical
    bytes written out directly for plain fields and a UTC time. False means only "not shown so":
    ledger.entry_hash_matches then decides."""
    plain = _PLAIN.match
    if not (plain(entry.kind) and plain(entry.subject) and plain(entry.envelope_sha256) and plain(entry.prev_hash)):
        return False
    created = entry.created_at.isoformat(timespec="microseconds")
    if not created.endswith("+00:00"):
        return False
    text = (
        f'{{"created_at":"{created[:-6]}Z","envelope_sha256":"{entry.envelope_sha256}","kind":"{entry.kind}",'
        f'"prev_hash":"{entry.prev_hash}","seq":{int(entry.seq)},"subject":"{entry.subject}"}}'
    )
    return hashlib.sha256(text.encode()).hexdigest() == entry.entry_hash


def with_tree(result: VerificationResult, watch: TreeWatch, hashes_before) -> VerificationResult:
    """The chain's result, or the tree's first broken leaf if it comes first."""
    broken = watch.broken
    if broken is None or (result.first_bad_seq is not None and result.first_bad_seq <= broken.seq):
        return result
    return VerificationResult(broken.seq - 1, hashes_before(broken.seq - 1), broken.seq, broken.problem)


def checkpoint_problem(
    session: Session,
    result: VerificationResult,
    watch: TreeWatch,
    latest: LedgerCheckpoint | None,
    vkeys: dict,
    saved: SavedCheckpoint | None,
) -> str | None:
    """What is wrong with the intact ledger of `result.entries` entries given its own latest
    checkpoint and the saved one, or None. `vkeys`: keyid -> (verifier key, SigningKey)."""
    size = result.entries
    if latest is not None:
        problem = _own_checkpoint_problem(latest, vkeys, size, watch.roots.get(latest.tree_size))
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
    if watch.roots.get(stated.size) != stated.root_hash:
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
