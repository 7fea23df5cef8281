"""The ledger's Merkle tree as kept in ledger_tree_node: appending a leaf, roots, proofs and tiles.

Each read takes one query for the few nodes it needs (about two per level), whatever the ledger's
size: serving a proof costs the same for a thousand entries or a million.
"""

from typing import NamedTuple

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from covenant_portal.signing import merkle
from covenant_portal.signing.models import LedgerEntry, LedgerTreeNode

TILE_WIDTH = 256
TILE_HEIGHT = 8


class LatestCheckpoint(NamedTuple):
    tree_size: int
    root_hash: bytes
    note: str


def nodes(session: Session, keys: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored hashes of these (level, index) nodes; merkle.ProofError if one is missing."""
    wanted = sorted(set(keys))
    found = (
        {(row.level, row.idx): bytes(row.hash) for row in session.execute(text(_nodes_sql(wanted)))} if wanted else {}
    )
    return _all_found(wanted, found)


def nodes_and_latest_checkpoint(
    session: Session, keys: list[tuple[int, int]]
) -> tuple[LatestCheckpoint | None, dict[tuple[int, int], bytes]]:
    """The latest checkpoint and the stored hashes of these nodes, in one query (one round trip
    to the database, a whole proof's time on PostgreSQL); missing nodes are simply not returned."""
    latest_sql = (
        "SELECT -1 AS level, tree_size AS idx, root_hash AS hash, note FROM "
        "(SELECT tree_size, root_hash, note FROM ledger_checkpoint ORDER BY tree_size DESC LIMIT 1) AS latest"
    )
    wanted = sorted(set(keys))
    sql = latest_sql + (" UNION ALL " + _nodes_sql(wanted, ", NULL AS note") if wanted else "")
    latest, found = None, {}
    for row in session.execute(text(sql)):
        if row.level == -1:
            latest = LatestCheckpoint(row.idx, bytes(row.hash), row.note)
        else:
            found[(row.level, row.idx)] = bytes(row.hash)
    return latest, found


def _nodes_sql(wanted: list[tuple[int, int]], extra: str = "") -> str:
    by_level: dict[int, list[int]] = {}
    for level, index in wanted:
        by_level.setdefault(int(level), []).append(int(index))
    # One (level = l AND idx IN (...)) per level: each a lookup of the primary key, on both databases.
    # Written as text with the (integer) keys inline: building the same with SQLAlchemy expressions
    # cost ten times the query itself, the whole of a proof's time on PostgreSQL.
    condition = " OR ".join(
        f"(level = {level} AND idx IN ({', '.join(map(str, indexes))}))" for level, indexes in by_level.items()
    )
    return f"SELECT level, idx, hash{extra} FROM ledger_tree_node WHERE {condition}"


def _all_found(wanted: list[tuple[int, int]], found: dict[tuple[int, int], bytes]) -> dict[tuple[int, int], bytes]:
    missing = [key for key in wanted if key not in found]
    if missing:
        raise merkle.ProofError(f"the tree has no node {missing[0]}: the ledger is shorter than that")
    return found


def append_leaf(session: Session, index: int, leaf: bytes) -> bytes:
    """Adds the leaf at `index` (the tree then has index + 1 leaves) and the nodes it completes, in
    the caller's transaction (which holds the ledger's lock); returns the new root."""
    border_keys = merkle.subtree_nodes(0, index)
    stored = nodes(session, border_keys)
    border = [stored[key] for key in border_keys]
    node, at, level = merkle.leaf_hash(leaf), index, 0
    made = [{"level": 0, "idx": at, "hash": node}]
    while at & 1:
        node = merkle.node_hash(border.pop(), node)
        at, level = at >> 1, level + 1
        made.append({"level": level, "idx": at, "hash": node})
    border.append(node)
    session.execute(LedgerTreeNode.__table__.insert(), made)
    return merkle.fold(border)


def range_hashes(session: Session, ranges: list[tuple[int, int]]) -> list[bytes]:
    """The hash of each leaf range, folded from the stored nodes (one query for them all)."""
    per_range = [merkle.subtree_nodes(start, end) for start, end in ranges]
    stored = nodes(session, [key for keys in per_range for key in keys])
    return [merkle.fold([stored[key] for key in keys]) for keys in per_range]


def inclusion_node_keys(index: int, size: int) -> list[list[tuple[int, int]]]:
    """The stored nodes each hash of leaf `index`'s inclusion proof in a tree of `size` is folded from
    (the leaf's own first)."""
    return [
        merkle.subtree_nodes(start, end) for start, end in [(index, index + 1), *merkle.inclusion_ranges(index, size)]
    ]


def inclusion_from_nodes(
    index: int, size: int, per_range: list[list[tuple[int, int]]], stored: dict
) -> tuple[bytes, list[bytes], bytes]:
    """inclusion_proof's answer, from nodes already read (merkle.ProofError if one is missing)."""
    _all_found([key for keys in per_range for key in keys], stored)
    hashes = [merkle.fold([stored[key] for key in keys]) for keys in per_range]
    return hashes[0], hashes[1:], merkle.root_from_inclusion(index, size, hashes[0], hashes[1:])


def root_hash(session: Session, size: int) -> bytes:
    return range_hashes(session, [(0, size)])[0] if size else merkle.EMPTY_ROOT


def inclusion_proof(session: Session, index: int, size: int) -> tuple[bytes, list[bytes], bytes]:
    """(leaf hash, proof, root) for leaf `index` in the tree of `size` leaves (the root computed from
    the proof: whoever compares it with a signed root checks the stored tree too)."""
    hashes = range_hashes(session, [(index, index + 1), *merkle.inclusion_ranges(index, size)])
    return hashes[0], hashes[1:], merkle.root_from_inclusion(index, size, hashes[0], hashes[1:])


def consistency_proof(session: Session, old: int, new: int) -> list[bytes]:
    return range_hashes(session, merkle.consistency_ranges(old, new))


def tile(session: Session, level: int, index: int, width: int, size: int) -> bytes | None:
    """The tile (c2sp.org/tlog-tiles) of `width` hashes at tile level `level`, or None if the tree of
    `size` leaves does not have it (a partial tile is served only while narrower than the full one)."""
    height = level * TILE_HEIGHT
    first = index * TILE_WIDTH
    if (first + width) << height > size or not 1 <= width <= TILE_WIDTH:
        return None
    table = LedgerTreeNode.__table__
    hashes = list(
        session.scalars(
            select(table.c.hash)
            .where(table.c.level == height, table.c.idx >= first, table.c.idx < first + width)
            .order_by(table.c.idx)
        )
    )
    if len(hashes) != width:
        return None
    return b"".join(bytes(value) for value in hashes)


# The longest entry an entry bundle can hold: each is preceded by its length as a big-endian uint16.
LONGEST_BUNDLED_ENTRY = 0xFFFF


def entry_bundle(session: Session, index: int, width: int, size: int) -> bytes | None:
    """The entry bundle (c2sp.org/tlog-tiles) of `width` entries from leaf index × 256: each entry's
    receipt (the exact bytes its leaf hashes) after its length as a big-endian uint16; None if the
    tree of `size` leaves does not hold them all, or one is too long for a bundle (no portal receipt
    is: they are a few kilobytes)."""
    first = index * TILE_WIDTH
    if first + width > size or not 1 <= width <= TILE_WIDTH:
        return None
    table = LedgerEntry.__table__
    rows = session.execute(
        select(table.c.seq, table.c.envelope)
        .where(table.c.seq > first, table.c.seq <= first + width)
        .order_by(table.c.seq)
    ).all()
    receipts = [bytes(envelope) for _seq, envelope in rows]
    if [seq for seq, _envelope in rows] != list(range(first + 1, first + width + 1)):
        return None
    if any(len(receipt) > LONGEST_BUNDLED_ENTRY for receipt in receipts):
        return None
    return b"".join(len(receipt).to_bytes(2, "big") + receipt for receipt in receipts)


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """`tile/<L>/<N>[.p/<W>]` with N in three-digit groups, all but the last prefixed with x."""
    groups = f"{index:03d}"
    groups = "0" * (-len(groups) % 3) + groups
    parts = [groups[start : start + 3] for start in range(0, len(groups), 3)]
    path = "/".join([*("x" + part for part in parts[:-1]), parts[-1]])
    return f"tile/{level}/{path}" + ("" if width == TILE_WIDTH else f".p/{width}")


def parse_tile_path(path: str) -> tuple[int, int, int] | None:
    """(level, index, width) of `<L>/<N>[.p/<W>]`, or None if it is not a tile path."""
    parts = path.split("/")
    width = TILE_WIDTH
    if len(parts) >= 3 and parts[-2].endswith(".p"):
        if not parts[-1].isdigit() or parts[-1].startswith("0") or not 1 <= int(parts[-1]) < TILE_WIDTH:
            return None
        width = int(parts[-1])
        parts = [*parts[:-2], parts[-2][:-2]]
    if len(parts) < 2 or not parts[0].isdigit() or (parts[0] != "0" and parts[0].startswith("0")):
        return None
    level, groups = int(parts[0]), parts[1:]
    if level > 63 or not all(len(group) == 4 and group[0] == "x" for group in groups[:-1]):
        return None
    digits = [group.removeprefix("x") for group in groups[:-1]] + [groups[-1]]
    if not all(len(part) == 3 and part.isdigit() and part.isascii() for part in digits):
        return None
    if len(digits) > 1 and digits[0] == "000":
        return None  # no needless leading groups: each tile has one path
    return level, int("".join(digits)), width
