"""The signed record of a host LA's response (ledger kind `expansion_outcome`, predicate
urn:gm-first:predicate:expansion-outcome:v1). The subject is the outcome
(urn:gm-first:expansion-outcome:<id>), its digest the SHA-256 of the outcome's canonical document
(`document_of`, re-derived from the row), which cites the proposal version's document digest."""

from sqlalchemy import Select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import LocalAuthority
from covenant_portal.expansions.models import OUTCOME_LABELS, Outcome, ProposalOutcome, ProposalVersion
from covenant_portal.signing.canonical import canonical_sha256
from covenant_portal.signing.ledger import rfc3339
from covenant_portal.signing.records import RecordKind, predicate_problem, statement_problem
from covenant_portal.signing.stored_records import StoredRecords, check_page
from covenant_portal.signing.summaries import on_when, signed_fact

KIND = "expansion_outcome"
PREDICATE_TYPE = "urn:gm-first:predicate:expansion-outcome:v1"
SUBJECT_PREFIX = "urn:gm-first:expansion-outcome:"


def subject_name_for(outcome_id: int) -> str:
    return f"{SUBJECT_PREFIX}{outcome_id}"


def document_of(outcome, version_number: int, proposal_sha256: str, ons_code: str, authority: str) -> dict:
    """What the outcome says (a row, or a row's columns), as signed."""
    value = Outcome(outcome.outcome)
    return {
        "outcome": {"id": outcome.id, "value": value.value, "label": OUTCOME_LABELS[value]},
        "details": outcome.details,
        "meetingOn": outcome.meeting_on.isoformat() if outcome.meeting_on else None,
        "proposal": {
            "id": outcome.proposal_id,
            "version": version_number,
            "subject": f"urn:gm-first:expansion-proposal:{outcome.version_id}",
            "documentSha256": proposal_sha256,
        },
        "localAuthority": {"onsCode": ons_code, "name": authority},
        "decidedBy": {"name": outcome.decided_by_name, "userId": outcome.decided_by_id},
        "decidedAt": rfc3339(outcome.decided_at),
    }


def predicate_for(document: dict) -> dict:
    return {key: document[key] for key in ("outcome", "proposal", "localAuthority", "decidedBy", "decidedAt")}


def _with_proposal_and_authority(rows: Select) -> Select:
    outcomes = ProposalOutcome.__table__
    return (
        rows.add_columns(
            ProposalVersion.version.label("version_number"),
            ProposalVersion.document_sha256.label("proposal_sha256"),
            LocalAuthority.ons_code.label("ons_code"),
            LocalAuthority.name.label("authority"),
        )
        .join(ProposalVersion, ProposalVersion.id == outcomes.c.version_id)
        .join(LocalAuthority, LocalAuthority.id == outcomes.c.local_authority_id)
    )


STORED = StoredRecords(
    ProposalOutcome.__table__, SUBJECT_PREFIX, "expansion_outcome", "expansion outcome", _with_proposal_and_authority
)


def check_outcomes(session: Session, records: list[tuple[str, dict]]) -> list[str | None]:
    return check_page(session, records, STORED, _problem)


def check_outcome(session: Session, subject: str, statement: dict) -> str | None:
    return check_outcomes(session, [(subject, statement)])[0]


def _problem(row, subject: str, statement: dict, label: str) -> str | None:
    try:
        document = document_of(row, row.version_number, row.proposal_sha256, row.ons_code, row.authority)
    except ValueError:
        return f"{label} outcome is not an outcome"
    return statement_problem(
        statement, subject, canonical_sha256(document), PREDICATE_TYPE, f"{label} outcome, details or meeting_on"
    ) or predicate_problem(predicate_for(document), statement.get("predicate"), label, {})


def describe_outcome(statement: dict) -> str:
    """E.g. "Priya Shah, for Bolton, recorded the outcome “Needed” for version 2 of expansion proposal 7 on
    3 March 2026 at 10:14am"."""
    who = signed_fact(statement, "decidedBy", "name") or "Someone"
    authority = signed_fact(statement, "localAuthority", "name") or "a local authority"
    label = signed_fact(statement, "outcome", "label")
    number, version = signed_fact(statement, "proposal", "id"), signed_fact(statement, "proposal", "version")
    which = f"expansion proposal {number}" if number else "an expansion proposal"
    which = f"version {version} of {which}" if version else which
    what = f"the outcome “{label}”" if label else "an outcome"
    return f"{who}, for {authority}, recorded {what} for {which}{on_when(statement, 'decidedAt')}."


EXPANSION_OUTCOME = RecordKind(KIND, PREDICATE_TYPE, check_outcome, check_outcomes, describe=describe_outcome)
