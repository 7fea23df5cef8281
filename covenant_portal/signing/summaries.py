"""Signed records in plain English: the sentence every signed-record page says first ("Jo Bloggs
signed version 2 of the GM First Covenant for Acorn Care Ltd on 3 March 2026 at 10:14am").

Each kind of record says it its own way (`RecordKind.describe`, given the signed Statement); a kind
that does not gets `generic_description`, built from what most predicates state (signer, organisation
or local authority, signedAt). The sentence is made from the signed Statement itself, so a page says
what was signed, not what the tables say now.
"""

from collections.abc import Mapping
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from covenant_portal.filters import london_datetime
from covenant_portal.signing import dsse
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.records import RecordKind, decode_statement, subject_name_of


def signed_fact(statement: dict, *path: str) -> str | None:
    """A text or number the predicate states at `path` (e.g. "signer", "name"), for showing."""
    value: object = statement.get("predicate")
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, str):
        return value.strip() or None
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else None


def signed_moment(statement: dict, field: str = "signedAt") -> datetime | None:
    """When the predicate says (RFC 3339 at `field`) it was signed, in UTC, or None."""
    moment = signed_fact(statement, field)
    try:
        parsed = datetime.fromisoformat(moment) if moment is not None else None
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc) if parsed is not None and parsed.tzinfo is not None else None


def on_when(statement: dict, field: str = "signedAt") -> str:
    """The words " on 3 March 2026 at 10:14am", or nothing if the statement does not say when (at
    `field`)."""
    moment = signed_moment(statement, field)
    return f" on {london_datetime(moment)}" if moment is not None else ""


def generic_description(statement: dict) -> str:
    """For a kind of record that does not describe itself: who signed, for whom and when, as far as
    the predicate says."""
    who = signed_fact(statement, "signer", "name")
    for_whom = signed_fact(statement, "organisation", "name") or signed_fact(statement, "localAuthority", "name")
    what = f"a record ({subject_name_of(statement)})"
    sentence = f"{who} signed {what}" if who else f"The portal signed {what}"
    return f"{sentence}{f' for {for_whom}' if for_whom else ''}{on_when(statement)}."


def describe(kinds: Mapping[str, RecordKind], statement: dict) -> str:
    """The plain-English sentence for a signed Statement, by its kind (found by predicateType)."""
    kind = next((kind for kind in kinds.values() if kind.predicate_type == statement.get("predicateType")), None)
    if kind is not None and kind.describe is not None:
        try:
            return kind.describe(statement)
        except (KeyError, TypeError, ValueError, AttributeError):  # a kind's sentence must not break a page
            pass
    return generic_description(statement)


def describe_entry(session: Session, kinds: Mapping[str, RecordKind], seq: int) -> str | None:
    """The sentence for the record at ledger position `seq`, from its signed envelope."""
    entry = session.get(LedgerEntry, seq)
    if entry is None:
        return None
    try:
        statement = decode_statement(dsse.parse(entry.envelope).payload)
    except dsse.EnvelopeError:
        return None
    return describe(kinds, statement) if statement is not None else None


def describe_head(statement: dict) -> str:
    """For a signed statement of the ledger (GET /ledger/head)."""
    size = signed_fact(statement, "size")
    moment = signed_moment(statement, "observedAt")
    entries = "1 signed record" if size == "1" else f"{size or 'an unknown number of'} signed records"
    when = f" on {london_datetime(moment)}" if moment is not None else ""
    return f"The portal signed a statement that its ledger held {entries}{when}."
