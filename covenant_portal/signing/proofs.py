"""Inclusion and consistency proofs as JSON documents, each with the signed checkpoint it refers to.

Hashes are standard base64, as in checkpoints. The inclusion proof of entry `seq` is for leaf index
seq - 1, whose leaf is the entry's receipt (the RFC 8785 bytes the receipt download returns).
"""

from sqlalchemy.orm import Session

from covenant_portal.signing import note, tree
from covenant_portal.signing.models import LedgerCheckpoint

INCLUSION_PROOF_FORMAT = "urn:gm-first:ledger-inclusion-proof:v1"


class ProofUnavailable(ValueError):
    """No such proof; `status` is 400 for a request that makes no sense, 404 for one the ledger cannot
    answer, 503 while the portal's stored tree and a checkpoint it signed disagree (its fault)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def checkpoint_at(session: Session, size: int | None) -> LedgerCheckpoint:
    """The checkpoint of that size (the latest when None)."""
    from covenant_portal.signing.checkpoints import latest

    found = latest(session) if size is None else session.get(LedgerCheckpoint, size)
    if found is None:
        raise ProofUnavailable(404, "The portal has signed no checkpoint of that size.")
    return found


# The size of the latest checkpoint seen: the nodes a proof needs are read with the latest
# checkpoint, in one query, for this size; read again only if the latest is larger by then.
_latest_size: list[int] = [0]


def _latest_with_proof(session: Session, seq: int):
    """The latest checkpoint and entry seq's proof in it, mostly in one query."""
    guess = _latest_size[0]
    keys = tree.inclusion_node_keys(seq - 1, guess) if 1 <= seq <= guess else []
    latest, stored = tree.nodes_and_latest_checkpoint(session, [key for nodes in keys for key in nodes])
    if latest is None:
        raise ProofUnavailable(404, "The portal has signed no checkpoint of that size.")
    _latest_size[0] = latest.tree_size
    if not 1 <= seq <= latest.tree_size:
        raise ProofUnavailable(404, f"Entry {seq} is not in the checkpoint of size {latest.tree_size}.")
    if latest.tree_size != guess:
        return latest, tree.inclusion_proof(session, seq - 1, latest.tree_size)
    return latest, tree.inclusion_from_nodes(seq - 1, guess, keys, stored)


def inclusion_document(session: Session, seq: int, size: int | None = None) -> dict:
    if seq < 1:  # a request that makes no sense, not an entry the ledger lacks
        raise ProofUnavailable(400, "seq must be 1 or more: the ledger's entries are numbered from 1.")
    if size is None:
        checkpoint, (leaf, proof, root) = _latest_with_proof(session, seq)
    else:
        checkpoint = checkpoint_at(session, size)
        if not 1 <= seq <= checkpoint.tree_size:
            raise ProofUnavailable(404, f"Entry {seq} is not in the checkpoint of size {checkpoint.tree_size}.")
        leaf, proof, root = tree.inclusion_proof(session, seq - 1, checkpoint.tree_size)
    _check_leads_to(checkpoint, root)
    return {
        "format": INCLUSION_PROOF_FORMAT,
        "seq": seq,
        "leafIndex": seq - 1,
        "treeSize": checkpoint.tree_size,
        "leafHash": note.b64(leaf),
        "hashes": [note.b64(value) for value in proof],
        "rootHash": note.b64(root),
        "checkpoint": checkpoint.note,
    }


def consistency_document(session: Session, old: int, new: int | None = None) -> dict:
    checkpoint = checkpoint_at(session, new)
    if not 0 <= old <= checkpoint.tree_size:
        raise ProofUnavailable(400, f"from must be between 0 and {checkpoint.tree_size}.")
    earlier = session.get(LedgerCheckpoint, old)
    from_root = tree.root_hash(session, old)
    _check_leads_to(checkpoint, tree.root_hash(session, checkpoint.tree_size))
    if earlier is not None:
        _check_leads_to(earlier, from_root)
    return {
        "from": old,
        "to": checkpoint.tree_size,
        "hashes": [note.b64(value) for value in tree.consistency_proof(session, old, checkpoint.tree_size)],
        "fromRootHash": note.b64(from_root),
        "toRootHash": note.b64(bytes(checkpoint.root_hash)),
        "checkpoint": checkpoint.note,
        "fromCheckpoint": earlier.note if earlier is not None else None,
    }


def _check_leads_to(checkpoint: LedgerCheckpoint, root: bytes) -> None:
    """Refuses a proof at a checkpoint that the stored tree does not lead to, or whose note does not
    say the size and root kept beside it: a proof that cannot verify, or whose checkpoint says
    otherwise, is worse than none. `ledger verify` names what was changed."""
    try:
        stated = note.parse_checkpoint(note.parse_note(checkpoint.note).text)
        sound = root == bytes(checkpoint.root_hash) and (stated.size, stated.root_hash) == (checkpoint.tree_size, root)
    except note.NoteError:
        sound = False
    if not sound:
        raise ProofUnavailable(
            503,
            f"The portal's stored tree does not lead to its signed checkpoint of size {checkpoint.tree_size}. "
            "This is a fault at the portal, not in the request: its administrators can find it with "
            "`ledger verify`. No proof can be given at that size until it is put right.",
        )
