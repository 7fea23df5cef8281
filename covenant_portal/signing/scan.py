"""Reading the ledger fast for `ledger verify`: the raw DBAPI cursor, only the columns a check needs,
and the chain and tree of a range of entries checked with hashlib directly (no ORM, no object per row).

A range is the entries with lo < seq <= hi (leaf indexes lo to hi - 1). Checked on its own, in this
process or a worker, it gives what its neighbours need to be stitched to it: the prev_hash of its
first entry, the entry_hash of its last, and the complete subtrees of its leaves. `verify_ledger`
starts ranges at multiples of a power of two, so those subtrees are nodes of the whole tree.
"""

import gc
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter

from covenant_portal.signing.canonical import PLAIN_JSON_TEXT
from covenant_portal.signing.ledger import entry_hash_matches

PAGE = 1000

# Problems by the order an entry's checks run in (verification.py): at one seq the lowest rank is
# reported, as a sequential check would have stopped at it first. The tree's leaf comes last.
GAP, PREV_HASH, ENVELOPE_SHA256, ENTRY_HASH, MALFORMED, SIGNATURE, RETIRED, STATEMENT, RECORD, TREE_LEAF = range(10)

ENVELOPE_MISMATCH = "its envelope does not match its envelope_sha256"
ENTRY_HASH_MISMATCH = "its entry_hash does not match its fields"
PREV_HASH_MISMATCH = "its prev_hash is not the previous entry's entry_hash"
LEAF_MISMATCH = "its leaf in the Merkle tree (ledger_tree_node) is not the hash of its receipt"
SIGNATURE_MISMATCH = "its envelope signature does not verify with any published key"


def malformed_message(error: Exception) -> str:
    return f"its envelope is malformed: {error}"


def retired_message(keyid: str, retired_at: str) -> str:
    """`retired_at`: the moment the key was retired, in RFC 3339."""
    return f"it was signed with key {keyid} after that key was retired at {retired_at}"


_PLAIN = re.compile(PLAIN_JSON_TEXT + r"\Z").match


@dataclass(frozen=True, order=True)
class Problem:
    seq: int
    rank: int
    message: str = field(compare=False)


def gap_problem(expected_seq: int, found_seq: int) -> Problem:
    if found_seq < expected_seq:
        return Problem(expected_seq, GAP, f"entry {found_seq} appears again after entry {expected_seq - 1}")
    return Problem(expected_seq, GAP, f"entry {expected_seq} is missing (the next entry is {found_seq})")


def created_text_sql(dialect: str) -> str:
    """created_at as the text entry_hash covers (RFC 3339 in UTC, microseconds), said by the database:
    SQLite keeps naive UTC text ('2026-01-05 09:00:01.000000'). Only ever the quick path's guess:
    an entry_hash that does not match it is decided by entry_hash_matches."""
    if dialect == "postgresql":
        return "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    return "replace(created_at, ' ', 'T') || 'Z'"


def _marks(sql: str, dialect: str) -> str:
    mark = "%s" if dialect == "postgresql" else "?"
    return sql.replace("{lo}", mark).replace("{hi}", mark)


def pages(cursor, sql: str, lo: int, hi: int, dialect: str) -> Iterator[list[tuple]]:
    """The rows of `sql` (which selects seq first, with two placeholders for lo < seq <= hi) in seq
    order, a page of at most PAGE seqs at a time: memory stays flat however long the ledger is, and
    each query asks for a short range of the primary key, which every plan reads by its index (a
    query for the rest of a long range, with a LIMIT, was planned as a sort of all of it). Each page
    is put in order here, not by the database: PostgreSQL, on a table it has not yet analysed, reads
    such a range with a bitmap scan and then sorts the page's wide rows, a twentieth of the server's
    time in integrity-only verification, where sorting a thousand rows that arrive in order costs
    this process next to nothing."""
    query = _marks(sql, dialect)
    after = lo
    while after < hi:
        top = min(after + PAGE, hi)
        cursor.execute(query, (after, top))
        page = cursor.fetchall()
        if page:
            page.sort(key=_seq)
            yield page
        after = top


_seq = itemgetter(0)


def integrity_sql(dialect: str) -> str:
    return (
        f"SELECT seq, {created_text_sql(dialect)}, kind, subject, envelope, envelope_sha256, prev_hash, entry_hash "
        "FROM ledger_entry WHERE seq > {lo} AND seq <= {hi}"
    )


LEAVES_SQL = "SELECT idx, hash FROM ledger_tree_node WHERE level = 0 AND idx >= {lo} AND idx < {hi} ORDER BY idx"
# How many of the stored leaves from index `first` equal the page's leaves (sent as one blob, 32 bytes
# a leaf, leaf i at offset 32 i): one row back, not a row a leaf, and no reliance on any row order.
_MATCHING_LEAVES_SQL = {
    "sqlite": "SELECT count(*) FROM ledger_tree_node WHERE level = 0 AND idx >= ? AND idx < ?"
    " AND hash = substr(?, (idx - ?) * 32 + 1, 32)",
    "postgresql": "SELECT count(*) FROM ledger_tree_node WHERE level = 0 AND idx >= %s AND idx < %s"
    " AND hash = substr(%s::bytea, ((idx - %s::bigint) * 32 + 1)::integer, 32)",
}


@dataclass
class RangeCheck:
    """The chain and tree of one range, as far as it is intact."""

    lo: int
    sizes: frozenset  # tree sizes whose root is wanted (those inside this range are noted)
    count: int = 0
    first_prev_hash: str | None = None
    last_entry_hash: str | None = None
    problem: Problem | None = None
    border: list = field(default_factory=list)  # complete subtrees of the range's leaves, left to right
    borders: dict = field(default_factory=dict)  # size -> the border at that size (inside the range)

    def add_leaf(self, leaf: bytes, seq: int, entry_hash: str) -> bytes:
        """Entry `seq` (the range's next) found intact: its leaf folded into the range's subtrees."""
        node, border, at = leaf, self.border, self.count
        while at & 1:
            node = hashlib.sha256(b"\x01" + border.pop() + node).digest()
            at >>= 1
        border.append(node)
        self.count += 1
        self.last_entry_hash = entry_hash
        if seq in self.sizes:
            self.borders[seq] = list(border)
        return leaf


def check_integrity(
    new_cursor, dialect: str, lo: int, hi: int, sizes, slow_row, page_problem=None, reader=None
) -> RangeCheck:
    """Each entry of (lo, hi]: its place, prev_hash (after the first), envelope_sha256, entry_hash and
    stored leaf; the tree folded as it goes. new_cursor() gives a DBAPI cursor; `slow_row(seq)` the
    entry as SQLAlchemy reads it, for the rare entry the quick entry_hash check cannot vouch for;
    `page_problem(page)`, if given, the first problem of the page's rows (seq, created_at's text,
    kind, subject, envelope, ...) that other checks find, so that each row is read once. `reader`:
    another (SQL, chain page) to read and check the rows with (hashed_scan.py), without page_problem."""
    check = RangeCheck(lo, frozenset(size for size in sizes if lo < size <= hi))
    cursor, leaf_cursor = new_cursor(), new_cursor()
    sql, chain_page = reader or (integrity_sql(dialect), _chain_page)
    with collecting_between_pages() as page_done:
        for page in pages(cursor, sql, lo, hi, dialect):
            leaves, problem = chain_page(check, page, slow_row)
            found = [problem, _leaves_problem(leaf_cursor, dialect, page[0][0] - 1, leaves)]
            if page_problem is not None:
                found.append(page_problem(page))
            if any(found):
                check.problem = min(p for p in found if p is not None)
                return check
            page_done()
    return check


@contextmanager
def collecting_between_pages() -> Iterator:
    """The garbage collector paused while a page is checked, and run on the young objects between
    pages. A page makes tens of thousands of short-lived objects (rows, statements), each freed as
    soon as it is dropped; left to itself the collector would also walk every object the app holds,
    again and again, a third of what checking an entry's statement costs. What a page leaves in a
    cycle is collected after it, so memory stays flat."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield lambda: gc.collect(1)
    finally:
        if was_enabled:
            gc.enable()


_plain_kinds: dict[str, bool] = {}


def _plain(kind: str) -> bool:
    found = _plain_kinds[kind] = _PLAIN(kind) is not None
    return found


def link_problem(check: RangeCheck, expected: int, prev_hash: str | None, seq: int, prev: str) -> Problem | None:
    """Entry `seq`'s link to the chain, in either reader: it is the one `expected`, and its prev_hash
    is the entry_hash before it (`prev_hash`; None at the range's first entry, whose prev_hash is
    noted for ranges.stitch to check)."""
    if seq != expected:
        return gap_problem(expected, seq)
    if prev_hash is None:
        check.first_prev_hash = prev
    elif prev != prev_hash:
        return Problem(seq, PREV_HASH, PREV_HASH_MISMATCH)
    return None


def _chain_page(check: RangeCheck, page: list[tuple], slow_row) -> tuple[list[bytes], Problem | None]:
    """The page's leaf hashes, up to its first broken link, and that link's problem."""
    sha256, plain, add_leaf = hashlib.sha256, _plain_kinds, check.add_leaf
    expected = check.lo + check.count + 1
    prev_hash = check.last_entry_hash
    leaves: list[bytes] = []
    for seq, created, kind, subject, envelope, envelope_sha256, prev, entry_hash in page:
        if seq != expected or prev != prev_hash:  # (the usual entry: no call)
            broken = link_problem(check, expected, prev_hash, seq, prev)
            if broken is not None:
                return leaves, broken
        if sha256(envelope).hexdigest() != envelope_sha256:
            return leaves, Problem(seq, ENVELOPE_SHA256, ENVELOPE_MISMATCH)
        quick = (
            (plain[kind] if kind in plain else _plain(kind))
            and _PLAIN(subject)
            and sha256(
                f'{{"created_at":"{created}","envelope_sha256":"{envelope_sha256}","kind":"{kind}",'
                f'"prev_hash":"{prev}","seq":{seq},"subject":"{subject}"}}'.encode()
            ).hexdigest()
            == entry_hash
        )
        if not quick and not entry_hash_matches(slow_row(seq)):
            return leaves, Problem(seq, ENTRY_HASH, ENTRY_HASH_MISMATCH)
        leaves.append(add_leaf(sha256(b"\x00" + envelope).digest(), seq, entry_hash))
        expected += 1
        prev_hash = entry_hash
    return leaves, None


def _leaves_problem(cursor, dialect: str, first: int, leaves: list[bytes]) -> Problem | None:
    """The first of these leaves (from index `first`) whose stored leaf differs: one query with a
    one-row answer while they all match, then one for the stored leaves themselves."""
    if not leaves:
        return None
    end = first + len(leaves)
    cursor.execute(_MATCHING_LEAVES_SQL[dialect], (first, end, b"".join(leaves), first))
    if cursor.fetchone()[0] == len(leaves):
        return None
    cursor.execute(_marks(LEAVES_SQL, dialect), (first, end))
    stored = cursor.fetchall()
    by_index = {row[0]: bytes(row[1]) for row in stored}
    for offset, leaf in enumerate(leaves):
        if by_index.get(first + offset) != leaf:
            return Problem(first + offset + 1, TREE_LEAF, LEAF_MISMATCH)
    return None
