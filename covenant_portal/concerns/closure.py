"""A concern's signed closure (issue 13, point 7): a DSSE envelope over an in-toto Statement with
predicate urn:gm-first:predicate:concern-closure:v1, appended to the ledger (kind concern-closure)
in the same transaction as the closure row. The subject is urn:gm-first:concern-closure:<closure
id>, its digest the SHA-256 of the canonical document of the concern's record and learning (kept in
concern_closure.document; every free text in it passed the identifier check). The predicate holds
ids, dates and the officer, no text: no child data. `ledger verify` re-derives and re-hashes it."""

from datetime import datetime

from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.concerns.models import Concern, ConcernClosure
from covenant_portal.db import next_id
from covenant_portal.signing.canonical import canonical_sha256
from covenant_portal.signing.ledger import rfc3339
from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.signing.records import RecordKind, predicate_problem, statement_problem
from covenant_portal.signing.stored_records import seal_record, subject_id
from covenant_portal.signing.summaries import on_when, signed_fact

KIND = "concern-closure"
PREDICATE_TYPE = "urn:gm-first:predicate:concern-closure:v1"
SUBJECT_PREFIX = "urn:gm-first:concern-closure:"


def _day(value) -> str | None:
    return value.isoformat() if value is not None else None


def _moment(value: datetime | None) -> str | None:
    return rfc3339(value) if value is not None else None


def document_of(concern: Concern) -> dict:
    """The concern's record and learning as signed (its digest is the subject's)."""
    return {
        "concern": {
            "id": concern.id,
            "category": concern.category.value,
            "severity": concern.severity.value,
            "eventOn": _day(concern.event_on),
            "about": {
                "side": concern.about_side.value,
                "organisationId": concern.about_organisation_id,
                "homeId": concern.about_home_id,
                "localAuthorityId": concern.about_local_authority_id,
            },
            "raisedBy": {"side": concern.raised_by_side.value if concern.raised_by_side else None},
            "caseKey": concern.case_key,
            "description": concern.description,
            "doneSoFar": concern.done_so_far,
        },
        "steps": {
            "loggedAt": _moment(concern.logged_at),
            "acknowledgedAt": _moment(concern.acknowledged_at),
            "resolutionProposedAt": _moment(concern.resolution_proposed_at),
            "resolvedAt": _moment(concern.resolved_at),
            "learningArrangedAt": _moment(concern.learning_arranged_at),
            "heldAt": _moment(concern.held_at),
            "learningRecordedAt": _moment(concern.learning_recorded_at),
        },
        "resolution": {
            "proposed": concern.resolution,
            "officerDecided": concern.officer_decided,
            "reasons": concern.resolution_reasons,
        },
        "learning": {
            "response": concern.learning_response.value if concern.learning_response else None,
            "on": _day(concern.learning_on),
            "format": concern.learning_format,
            "attendees": concern.learning_attendees,
            "heldNotes": concern.held_notes,
            "learned": concern.learned,
            "wentWell": concern.went_well,
            "actions": [
                {"what": action.what, "owner": action.owner, "dueOn": _day(action.due_on)} for action in concern.actions
            ],
        },
    }


def subject_name_for(closure_id: int) -> str:
    return f"{SUBJECT_PREFIX}{closure_id}"


def predicate_of(closure: ConcernClosure) -> dict:
    return {
        "concern": {"id": closure.concern_id, "closureId": closure.id},
        "closedAt": rfc3339(closure.closed_at),
        "closedBy": {"userId": closure.closed_by_id, "name": closure.closed_by_name, "role": "escalation_officer"},
    }


SOURCE_OF = {
    ("concern", "id"): "concern_id",
    ("concern", "closureId"): "id",
    ("closedAt",): "closed_at",
    ("closedBy", "userId"): "closed_by_id",
    ("closedBy", "name"): "closed_by_name",
}


def seal_closure(session: Session, key: PortalKey, concern: Concern, officer: User, now: datetime) -> ConcernClosure:
    """The closure row and its ledger entry, in the caller's transaction (committed together)."""
    document = document_of(concern)
    closure = ConcernClosure(
        id=next_id(session, ConcernClosure),
        concern_id=concern.id,
        document=document,
        document_sha256=canonical_sha256(document),
        closed_at=now,
        closed_by_id=officer.id,
        closed_by_name=officer.full_name,
    )
    seal_record(
        session,
        key,
        CONCERN_CLOSURE,
        closure,
        subject_name=subject_name_for(closure.id),
        subject_sha256=closure.document_sha256,
        predicate=predicate_of(closure),
        now=now,
    )
    return closure


def check_closure(session: Session, subject_name: str, statement: dict) -> str | None:
    """A problem if the stored closure differs from what was signed (or its document from its digest)."""
    closure_id = subject_id(subject_name, SUBJECT_PREFIX)
    closure = session.get(ConcernClosure, closure_id) if closure_id is not None else None
    if closure is None:
        return f"no concern closure is stored for {subject_name}"
    if canonical_sha256(closure.document) != closure.document_sha256:
        return "concern_closure document differs from its document_sha256"
    problem = statement_problem(
        statement, subject_name, closure.document_sha256, PREDICATE_TYPE, "concern_closure document_sha256"
    )
    if problem:
        return problem
    return predicate_problem(predicate_of(closure), statement.get("predicate"), "concern_closure", SOURCE_OF)


def describe_closure(statement: dict) -> str:
    """E.g. "Alex Morgan, escalation officer, closed concern 4 on 3 March 2026 at 10:14am"."""
    name = signed_fact(statement, "closedBy", "name")
    who = f"{name}, escalation officer," if name else "An escalation officer"
    number = signed_fact(statement, "concern", "id")
    which = f"concern {number}" if number else "a concern"
    return f"{who} closed {which}{on_when(statement, 'closedAt')}."


CONCERN_CLOSURE = RecordKind(KIND, PREDICATE_TYPE, check_closure, describe=describe_closure)
