"""Receipt references: what people quote for a signed record. A reference is the record's position
in the ledger, GMF-000012 for entry 12; /verify takes one back (any case, surrounding spaces allowed)."""

import re

MAX_SEQ = 2**31 - 1  # the largest seq the ledger's integer column can hold
_REFERENCE = re.compile(r"GMF-([0-9]{1,10})")


def receipt_reference(ledger_seq: int) -> str:
    """E.g. GMF-000012 for ledger entry 12."""
    return f"GMF-{ledger_seq:06d}"


def reference_seq(text: str) -> int | None:
    """The ledger position a reference such as " gmf-000012 " names, or None if it names none."""
    match = _REFERENCE.fullmatch(text.strip().upper())
    if match is None:
        return None
    seq = int(match.group(1))
    return seq if 1 <= seq <= MAX_SEQ else None
