"""Receipt references: what people quote for a signed record. A reference is the record's position
in the ledger, GMF-000012 for entry 12; /verify takes one back (any case, surrounding spaces allowed)."""

import re

MAX_SEQ = 2**31 - 1  # the largest seq the ledger's integer column can hold
_REFERENCE = re.compile(r"GMF-([0-9]{1,10})")


def receipt_reference(ledger_seq: int) -> str:
    """E.g. GMF-000012 for ledger entry 12."""
    return f"GMF-{ledger_seq:06d}"


def reference_seq(text: str) -> int | None:
    """The ledger position a reference such as " gmf-000012 " names, or None if it is not in the
    form of one. GMF-000000 is in the form but names no entry (nor does a position beyond MAX_SEQ):
    `in_range` says which could."""
    match = _REFERENCE.fullmatch(text.strip().upper())
    return int(match.group(1)) if match is not None else None


def in_range(seq: int) -> bool:
    """Whether a ledger entry could be at `seq` (and the database can be asked for it)."""
    return 1 <= seq <= MAX_SEQ
