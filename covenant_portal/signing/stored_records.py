"""What every kind of signed record kept in an area's table shares: sealing a row (its statement
signed into a DSSE envelope and appended to the ledger, and the row pointing at that entry), and
checking a page of rows against the ledger entries `ledger verify` reads. The areas say what their
rows are (a StoredRecords) and what their statements must say; the rules common to all are here."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import FromClause, Row, Select, select
from sqlalchemy.orm import Session

from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.signing.records import RecordKind
from covenant_portal.signing.service import seal
from covenant_portal.web.ids import parse_id


class SealedRow(Protocol):
    """A row of an area's table that a ledger entry seals: it points at the entry by its seq."""

    ledger_seq: Any


def seal_record(
    session: Session,
    key: PortalKey,
    kind: RecordKind,
    row: SealedRow,
    *,
    subject_name: str,
    subject_sha256: str,
    predicate: dict[str, Any],
    now: datetime,
) -> LedgerEntry:
    """Seals the kind's statement about `row` (its ledger kind and predicateType) and adds the row,
    pointing at the new entry, flushed: a unique constraint that refuses the row (say a colleague
    signed the same thing at the same moment) raises IntegrityError here, where the caller's
    savepoint or try can take it. Nothing is committed: the caller's commit keeps both, or neither."""
    entry = seal(
        session,
        key,
        kind=kind.kind,
        subject_name=subject_name,
        subject_sha256=subject_sha256,
        predicate_type=kind.predicate_type,
        predicate=predicate,
        now=now,
    )
    row.ledger_seq = entry.seq
    session.add(row)
    session.flush()
    return entry


def receipt_envelope(session: Session, ledger_seq: int | None) -> bytes:
    """A sealed row's receipt: the DSSE envelope exactly as its ledger entry keeps it."""
    entry = session.get(LedgerEntry, ledger_seq)
    assert entry is not None  # a foreign key: a sealed row always points at its entry
    return entry.envelope


def subject_id(subject: str, prefix: str) -> int | None:
    """The row id a subject name (prefix and id) names, or None if it names none."""
    return parse_id(subject.removeprefix(prefix)) if subject.startswith(prefix) else None


@dataclass(frozen=True)
class StoredRecords:
    """Where a kind keeps its sealed rows, and how its problems name them."""

    table: FromClause  # the rows, with an `id` and the `ledger_seq` of the entry that seals each
    subject_prefix: str  # a row's subject name is this and its id
    label: str  # a row in a problem: "<label> <id> ..."
    what: str  # a missing row: "<subject> names no <what> in the database"
    # The further columns and joins the kind's check needs (say its covenant version's number)
    extended: Callable[[Select], Select] = lambda rows: rows

    def rows(self, ids: list[int]) -> Select:
        """The rows with these ids, each with the subject of the ledger entry it points at."""
        base = (
            select(self.table, LedgerEntry.subject.label("entry_subject"))
            .outerjoin(LedgerEntry, LedgerEntry.seq == self.table.c.ledger_seq)
            .where(self.table.c.id.in_(ids))
        )
        return self.extended(base)


# (a stored row, the entry's subject name, its signed Statement, the row's label) -> a problem or None
RowProblem = Callable[[Row, str, dict, str], str | None]


def check_page(
    session: Session, records: list[tuple[str, dict]], stored: StoredRecords, problem: RowProblem
) -> list[str | None]:
    """For each (subject name, signed Statement) of a page of ledger entries, in order: a problem
    if no row is stored for the subject, or the row does not point at that very entry, else
    `problem(row, subject, statement, label)`. One query for the page's rows: plain rows, not
    objects, which is what keeps `ledger verify` fast on a long ledger."""
    ids = [subject_id(subject, stored.subject_prefix) for subject, _statement in records]
    wanted = [i for i in ids if i is not None]
    found = {row.id: row for row in session.execute(stored.rows(wanted))} if wanted else {}
    problems: list[str | None] = []
    for (subject, statement), row_id in zip(records, ids, strict=True):
        row = found.get(row_id) if row_id is not None else None
        if row is None:
            problems.append(f"{subject} names no {stored.what} in the database")
            continue
        label = f"{stored.label} {row.id}"
        if row.entry_subject != f"{stored.subject_prefix}{row.id}":
            problems.append(f"{label} ledger_seq does not point at its own ledger entry")
        else:
            problems.append(problem(row, subject, statement, label))
    return problems
