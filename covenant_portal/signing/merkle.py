"""RFC 6962 / RFC 9162 Merkle trees (SHA-256): hashes, which subtrees a proof is made of, and checking proofs.

Pure functions: nothing here knows where the tree's nodes are kept. A node is named (level, index):
level 0 holds the leaf hashes, and node (l, i) is the hash of the 2**l leaves from i * 2**l. Every
subtree hash a proof needs is the hash of a range of leaves [start, end) that RFC 6962's recursion
produces: `subtree_nodes` gives the complete (stored) nodes such a range is folded from.
"""

import hashlib

EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or a request for one that cannot exist; the message says why."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def subtree_nodes(start: int, end: int) -> list[tuple[int, int]]:
    """The complete nodes, left to right, whose fold is the hash of leaves [start, end) (a range whose
    start is a multiple of the largest power of two not above its length, as in every RFC 6962 proof)."""
    nodes, at, width = [], start, end - start
    for level in range(width.bit_length() - 1, -1, -1):
        if width >> level & 1:
            nodes.append((level, at >> level))
            at += 1 << level
    return nodes


def fold(hashes: list[bytes]) -> bytes:
    """The hash of adjacent complete subtrees, left to right, of decreasing size (the right border)."""
    if not hashes:
        return EMPTY_ROOT
    root = hashes[-1]
    for left in reversed(hashes[:-1]):
        root = node_hash(left, root)
    return root


def _split(width: int) -> int:
    """The largest power of two smaller than width (width > 1)."""
    return 1 << ((width - 1).bit_length() - 1)


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """RFC 9162 section 2.1.3.1: the leaf ranges whose hashes prove leaf `index` in a tree of `size`,
    from the leaf up."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    path = []
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            path.append((start + k, end))
            end = start + k
        else:
            path.append((start, start + k))
            start += k
    ranges.extend(reversed(path))
    return ranges


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """RFC 9162 section 2.1.4.1: the leaf ranges whose hashes prove a tree of `old` leaves is a prefix
    of the tree of `new` leaves (none when old is 0 or old equals new)."""
    if not 0 <= old <= new:
        raise ProofError(f"a tree of {old} leaves cannot be a prefix of a tree of {new}")
    if old in (0, new):
        return []
    path, start, end, m, complete = [], 0, new, old, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            path.append((start + k, end))
            end = start + k
        else:
            path.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        path.append((start, end))
    return list(reversed(path))


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2: the root a leaf hash and its inclusion proof lead to."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    fn, sn, root = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            root = node_hash(sibling, root)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            root = node_hash(root, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    return root


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> None:
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError(f"the inclusion proof of leaf {index} does not lead to the root of the tree of {size}")


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> None:
    """RFC 9162 section 2.1.4.2: ProofError unless the tree of `old` leaves is a prefix of the other."""
    if not 0 <= old <= new:
        raise ProofError(f"a tree of {old} leaves cannot be a prefix of a tree of {new}")
    if old == new:
        if proof or old_root != new_root:
            raise ProofError(f"two trees of {old} leaves with different roots")
        return
    if old == 0:
        if proof:
            raise ProofError("a consistency proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = ([old_root] if old & (old - 1) == 0 else []) + list(proof)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first = second = path[0]
    for sibling in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            first, second = node_hash(sibling, first), node_hash(sibling, second)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            second = node_hash(second, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if first != old_root:
        raise ProofError(f"the tree of {old} leaves is not the one the proof starts from: its root differs")
    if second != new_root:
        raise ProofError(f"the consistency proof does not lead to the root of the tree of {new}")


class TreeBuilder:
    """Builds a tree leaf by leaf keeping only its right border: memory grows with log2 of its size.
    `push` returns the nodes the new leaf completed, (level, index, hash) from the leaf up."""

    def __init__(self):
        self.size = 0
        self.border: list[bytes] = []  # the complete subtrees' hashes, left to right

    def push(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        index, level, node = self.size, 0, leaf
        made = [(0, index, leaf)]
        while index & 1:
            node = node_hash(self.border.pop(), node)
            index, level = index >> 1, level + 1
            made.append((level, index, node))
        self.border.append(node)
        self.size += 1
        return made

    def push_quick(self, leaf: bytes) -> None:
        """push, without saying which nodes were made (what verification needs, faster)."""
        size, border, node = self.size, self.border, leaf
        while size & 1:
            node = hashlib.sha256(b"\x01" + border.pop() + node).digest()
            size >>= 1
        border.append(node)
        self.size += 1

    def root(self) -> bytes:
        return fold(self.border)
