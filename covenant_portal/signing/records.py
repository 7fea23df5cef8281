"""Kinds of signed record. Each kind re-derives, from the portal's own tables, what its signed
statement must say, so that `ledger verify` also catches a stored record that was altered."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from flask import Flask, current_app
from sqlalchemy.orm import Session

from covenant_portal.signing.dsse import IN_TOTO_PAYLOAD_TYPE
from covenant_portal.signing.statements import STATEMENT_TYPE

# (session, the ledger entry's subject name, the decoded in-toto Statement) -> a problem, or None
RecordCheck = Callable[[Session, str, dict], str | None]
# (session, [(subject name, Statement), ...]) -> a problem or None for each, in order
RecordsCheck = Callable[[Session, list[tuple[str, dict]]], list[str | None]]
# (session, the Flask app, [(subject name, Statement), ...]) -> a problem or None for each, in order
FilesCheck = Callable[[Session, Any, list[tuple[str, dict]]], list[str | None]]
# (the signed in-toto Statement) -> who signed what, for whom and when, in one plain-English sentence
Describe = Callable[[dict], str]


@dataclass(frozen=True)
class RecordKind:
    kind: str  # the ledger entry's `kind`
    predicate_type: str  # the Statement's predicateType, a stable URI documented in docs/signing.md
    check_record: RecordCheck
    # Optional: checks a page of records at once (say one query for a thousand entries rather than
    # a query each), which is what keeps `ledger verify` fast on a long ledger.
    check_records: RecordsCheck | None = None
    # Optional: files the records name, kept outside the database (say evidence files), re-hashed
    # against what was signed. `ledger verify` runs it (with the app, for where files are kept) for
    # the records whose rows check out; (session, app, records) -> a problem or None for each.
    check_files: FilesCheck | None = None
    # Optional: the sentence its pages and /verify say first (see signing/summaries.py: build it
    # with `signed_fact` and `on_when`); without it, `summaries.generic_description`.
    describe: Describe | None = None

    def problems(self, session: Session, records: list[tuple[str, dict]], app=None) -> list[str | None]:
        if self.check_records is not None:
            found = self.check_records(session, records)
        else:
            found = [self.check_record(session, subject, statement) for subject, statement in records]
        if self.check_files is None or app is None:
            return found
        sound = [record for record, problem in zip(records, found, strict=True) if problem is None]
        files = iter(self.check_files(session, app, sound) if sound else [])
        return [problem if problem is not None else next(files) for problem in found]


def record_kinds(app: Flask | None = None) -> dict[str, RecordKind]:
    """Every kind of record the portal signs, by ledger `kind`: the areas register their kinds when
    the app starts (covenant_portal.web.areas)."""
    return (app or current_app).extensions["record_kinds"]


def without_records(kinds: dict[str, RecordKind]) -> dict[str, RecordKind]:
    """The kinds as `ledger verify --no-records` checks them: each entry's statement must still be
    of its kind's predicateType, but no stored record or file is compared with it."""
    return {name: RecordKind(kind.kind, kind.predicate_type, _no_record_problem) for name, kind in kinds.items()}


def _no_record_problem(_session: Session, _subject: str, _statement: dict) -> None:
    return None


class StatementProblem(ValueError):
    """A ledger entry's signed statement is not what an entry of its kind must sign."""


def signed_statement(
    predicate_types: dict[str, str], kind: str, subject: str, payload_type: str, payload: bytes
) -> dict:
    """The Statement an entry's envelope signs, once it is checked that the Statement is about the
    entry's subject, with the predicateType of the entry's kind (`predicate_types`: by ledger kind)."""
    predicate_type = predicate_types.get(kind)
    if predicate_type is None:
        raise StatementProblem(f"its kind {kind!r} is not a kind of record the portal signs")
    if payload_type != IN_TOTO_PAYLOAD_TYPE:
        raise StatementProblem(f"the envelope's payloadType is {payload_type!r}, not {IN_TOTO_PAYLOAD_TYPE}")
    statement = decode_statement(payload)
    if statement is None:
        raise StatementProblem("the signed payload is not an in-toto Statement v1")
    if subject_name_of(statement) != subject:
        raise StatementProblem(
            f"the signed statement is about {subject_name_of(statement)!r}, not the entry's subject {subject!r}"
        )
    if statement["predicateType"] != predicate_type:
        raise StatementProblem(f"the signed predicateType is {statement['predicateType']!r}, not {predicate_type}")
    return statement


def decode_statement(payload: bytes) -> dict | None:
    """The in-toto Statement v1 in a signed payload (one subject with a sha256 digest, a
    predicateType and a predicate object), or None if the payload is anything else."""
    try:
        statement = loads_payload(payload)
    except (ValueError, RecursionError):  # as in dsse.parse
        return None
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE:
        return None
    subjects = statement.get("subject")
    if not isinstance(subjects, list) or len(subjects) != 1 or not isinstance(subjects[0], dict):
        return None
    digest = subjects[0].get("digest")
    if not isinstance(subjects[0].get("name"), str) or not isinstance(digest, dict):
        return None
    if not isinstance(digest.get("sha256"), str):
        return None
    if not isinstance(statement.get("predicateType"), str) or not isinstance(statement.get("predicate"), dict):
        return None
    return statement


def loads_payload(payload: bytes):
    """json.loads(payload), with orjson's parser first (`ledger verify` reads every statement, and
    json's parser costs a tenth of an Ed25519 verification). What orjson refuses (a byte order mark,
    NaN, a lone surrogate, UTF-16) json still reads; the one difference left is an integer of 2**64 or
    more, which orjson reads as a float, so that it never equals the integer a record gives: no
    statement the portal signs holds one (RFC 8785 refuses integers beyond 2**53)."""
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        return json.loads(payload)


def subject_name_of(statement: dict) -> str:
    return statement["subject"][0]["name"]


def subject_sha256_of(statement: dict) -> str:
    return statement["subject"][0]["digest"]["sha256"]


# Shared by the kinds' checks: what each kind compares, said the same way.


def statement_problem(
    statement: dict, subject_name: str, subject_sha256: str, predicate_type: str, digest_source: str
) -> str | None:
    """A problem if the Statement is not about `subject_name` with the digest the stored record
    gives (`digest_source` names where that digest is kept), of the kind's predicateType."""
    subjects = statement.get("subject")
    subject = as_object(subjects[0]) if isinstance(subjects, list) and len(subjects) == 1 else {}
    if subject.get("name") != subject_name:
        return f"the statement's subject is not {subject_name}"
    if as_object(subject.get("digest")).get("sha256") != subject_sha256:
        return f"{digest_source} differs from the signed subject digest"
    if statement.get("predicateType") != predicate_type:
        return f"the statement's predicateType is not {predicate_type}"
    return None


def predicate_problem(expected: dict, signed, label: str, source_of: dict[tuple, str]) -> str | None:
    """A problem naming the first stored field (`source_of`: predicate path -> field name) whose
    value differs from the signed predicate, or None when they agree."""
    if expected == signed:  # the usual case, decided without walking the tree
        return None
    for path in _differing_paths(expected, as_object(signed)):
        return f"{label} {source_of.get(path, '.'.join(path))} differs from the signed record"
    return None


def _differing_paths(expected, signed, path: tuple = ()):
    if isinstance(expected, dict) and isinstance(signed, dict):
        for key in sorted(expected.keys() | signed.keys()):
            yield from _differing_paths(expected.get(key), signed.get(key), (*path, key))
    elif expected != signed or type(expected) is not type(signed):
        yield path


def as_object(value) -> dict:
    return value if isinstance(value, dict) else {}
