"""Kinds of signed record. Each kind re-derives, from the portal's own tables, what its signed
statement must say, so that `ledger verify` also catches a stored record that was altered."""
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

# (session, the ledger entry's subject name, the decoded in-toto Statement) -> a problem, or None
RecordCheck = Callable[[Session, str, dict], str | None]


@dataclass(frozen=True)
class RecordKind:
    kind: str  # the ledger entry's `kind`
    predicate_type: str  # the Statement's predicateType, a stable URI documented in docs/signing.md
    check_record: RecordCheck
