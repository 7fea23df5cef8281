"""Integrity-only verification on PostgreSQL: the database hashes each receipt where it lies.

Sending every 1.6 KB receipt to this process costs more than hashing it: on PostgreSQL the query
asks the server (pg_catalog.sha256, named in full so that no function of the same name elsewhere on
the search_path stands in for it) for what scan._chain_page computes here: whether envelope_sha256
is the SHA-256 of the envelope, whether entry_hash is the SHA-256 of the canonical JSON of the
entry's fields (built as scan's quick path builds it, for kinds and subjects that need no JSON
escapes), and the entry's leaf hash. Only a "yes" is taken from the server: a "no" is decided here,
from the entry as SQLAlchemy reads it, exactly as scan.py decides it, so a problem is named the
same whichever path found it.
"""

import hashlib

from covenant_portal.signing.canonical import PLAIN_JSON_TEXT
from covenant_portal.signing.ledger import entry_hash_matches
from covenant_portal.signing.scan import (
    ENTRY_HASH,
    ENTRY_HASH_MISMATCH,
    ENVELOPE_MISMATCH,
    ENVELOPE_SHA256,
    Problem,
    RangeCheck,
    created_text_sql,
    link_problem,
)

_PLAIN = f"'^{PLAIN_JSON_TEXT}$'"  # as a PostgreSQL regular expression
_CANONICAL_FIELDS = (
    '\'{"created_at":"\' || ' + created_text_sql("postgresql") + ' || \'","envelope_sha256":"\' || envelope_sha256'
    ' || \'","kind":"\' || kind || \'","prev_hash":"\' || prev_hash || \'","seq":\' || seq'
    " || ',\"subject\":\"' || subject || '\"}'"
)
SQL = (
    "SELECT seq, prev_hash, entry_hash,"
    " encode(pg_catalog.sha256(envelope), 'hex') = envelope_sha256,"
    f" kind ~ {_PLAIN} AND subject ~ {_PLAIN}"
    f" AND encode(pg_catalog.sha256(convert_to({_CANONICAL_FIELDS}, 'UTF8')), 'hex') = entry_hash,"
    " pg_catalog.sha256('\\x00'::bytea || envelope)"
    " FROM ledger_entry WHERE seq > {lo} AND seq <= {hi}"
)


def chain_page(check: RangeCheck, page: list[tuple], slow_row) -> tuple[list[bytes], Problem | None]:
    """scan._chain_page for rows of SQL: the page's leaf hashes, up to its first broken link, and
    that link's problem."""
    sha256, add_leaf = hashlib.sha256, check.add_leaf
    expected = check.lo + check.count + 1
    prev_hash = check.last_entry_hash
    leaves: list[bytes] = []
    for seq, prev, entry_hash, envelope_matches, entry_hash_ok, leaf in page:
        if seq != expected or prev != prev_hash:  # (the usual entry: no call)
            broken = link_problem(check, expected, prev_hash, seq, prev)
            if broken is not None:
                return leaves, broken
        if not envelope_matches:
            row = slow_row(seq)
            if sha256(bytes(row.envelope)).hexdigest() != row.envelope_sha256:
                return leaves, Problem(seq, ENVELOPE_SHA256, ENVELOPE_MISMATCH)
            leaf = sha256(b"\x00" + bytes(row.envelope)).digest()
        if not entry_hash_ok and not entry_hash_matches(slow_row(seq)):
            return leaves, Problem(seq, ENTRY_HASH, ENTRY_HASH_MISMATCH)
        leaves.append(add_leaf(bytes(leaf), seq, entry_hash))
        expected += 1
        prev_hash = entry_hash
    return leaves, None


READER = (SQL, chain_page)
