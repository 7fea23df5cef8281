"""What the expansions area's two record kinds share in `ledger verify`: finding a page of stored
rows by the subjects' ids in one query, and naming a subject with no row."""

from collections.abc import Callable

from sqlalchemy import Select
from sqlalchemy.orm import Session

from covenant_portal.web.ids import parse_id


def subject_id(subject: str, prefix: str) -> int | None:
    return parse_id(subject.removeprefix(prefix)) if subject.startswith(prefix) else None


def check_page(
    session: Session,
    records: list[tuple[str, dict]],
    prefix: str,
    rows_of: Callable[[list[int]], Select],
    what: str,
    problem: Callable[[object, str, dict], str | None],
) -> list[str | None]:
    """For each (subject, Statement): `problem(row, subject, statement)` for its stored row (found
    by `rows_of(ids)`, one query for the page), or a problem saying there is no such row."""
    ids = [subject_id(subject, prefix) for subject, _statement in records]
    wanted = [i for i in ids if i is not None]
    found = {row.id: row for row in session.execute(rows_of(wanted))} if wanted else {}
    return [
        problem(found[i], subject, statement) if i in found else f"{subject} names no {what} in the database"
        for (subject, statement), i in zip(records, ids, strict=True)
    ]
