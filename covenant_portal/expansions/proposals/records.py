"""The signed record of a proposal version (ledger kind `expansion_proposal`, predicate
urn:gm-first:predicate:expansion-proposal:v1). The subject is the version
(urn:gm-first:expansion-proposal:<version id>), its digest the SHA-256 of the version's canonical
document; `ledger verify` re-derives the predicate from the row and re-hashes the document."""

from sqlalchemy import Select
from sqlalchemy.orm import Session, aliased

from covenant_portal.expansions.models import ExpansionProposal, ProposalVersion
from covenant_portal.signing.canonical import canonical_sha256
from covenant_portal.signing.ledger import rfc3339
from covenant_portal.signing.records import RecordKind, predicate_problem, statement_problem
from covenant_portal.signing.stored_records import StoredRecords, check_page
from covenant_portal.signing.summaries import on_when, signed_fact

KIND = "expansion_proposal"
PREDICATE_TYPE = "urn:gm-first:predicate:expansion-proposal:v1"
SUBJECT_PREFIX = "urn:gm-first:expansion-proposal:"


def subject_name_for(version_id: int) -> str:
    return f"{SUBJECT_PREFIX}{version_id}"


def predicate_for(version, organisation_id: int, superseded: tuple[int, str] | None) -> dict:
    document = version.document if isinstance(version.document, dict) else {}
    host = document.get("hostLocalAuthority") or {}
    return {
        "proposal": {
            "id": version.proposal_id,
            "version": version.version,
            "supersedes": (
                {"version": superseded[0], "documentSha256": superseded[1]} if superseded is not None else None
            ),
        },
        "organisation": {"id": organisation_id, "name": (document.get("organisation") or {}).get("name")},
        "hostLocalAuthority": {"onsCode": host.get("onsCode"), "name": host.get("name")},
        "submitter": {
            "name": version.submitted_by_name,
            "userId": version.submitted_by_id,
            "email": version.submitted_by_email,
        },
        "submittedAt": rfc3339(version.submitted_at),
    }


SOURCE_OF = {
    ("proposal", "id"): "proposal_id",
    ("proposal", "version"): "version",
    ("proposal", "supersedes"): "supersedes_id",
    ("proposal", "supersedes", "version"): "supersedes_id",
    ("proposal", "supersedes", "documentSha256"): "supersedes_id",
    ("organisation", "id"): "expansion_proposal organisation_id",
    ("organisation", "name"): "document organisation name",
    ("hostLocalAuthority", "onsCode"): "document host local authority",
    ("hostLocalAuthority", "name"): "document host local authority",
    ("submitter", "name"): "submitted_by_name",
    ("submitter", "userId"): "submitted_by_id",
    ("submitter", "email"): "submitted_by_email",
    ("submittedAt",): "submitted_at",
}


def _with_proposal(rows: Select) -> Select:
    superseded = aliased(ProposalVersion)
    return (
        rows.add_columns(
            ExpansionProposal.organisation_id.label("organisation_id"),
            superseded.version.label("superseded_version"),
            superseded.document_sha256.label("superseded_sha256"),
        )
        .join(ExpansionProposal, ExpansionProposal.id == ProposalVersion.__table__.c.proposal_id)
        .outerjoin(superseded, superseded.id == ProposalVersion.__table__.c.supersedes_id)
    )


STORED = StoredRecords(
    ProposalVersion.__table__,
    SUBJECT_PREFIX,
    "expansion_proposal_version",
    "expansion proposal version",
    _with_proposal,
)


def check_proposals(session: Session, records: list[tuple[str, dict]]) -> list[str | None]:
    return check_page(session, records, STORED, _problem)


def check_proposal(session: Session, subject: str, statement: dict) -> str | None:
    return check_proposals(session, [(subject, statement)])[0]


def _problem(row, subject: str, statement: dict, label: str) -> str | None:
    document = row.document if isinstance(row.document, dict) else {}
    try:
        digest = canonical_sha256(document)
    except (TypeError, ValueError):
        digest = None
    if digest != row.document_sha256:
        return f"{label} document differs from its document_sha256"
    superseded = (row.superseded_version, row.superseded_sha256) if row.supersedes_id is not None else None
    if (document.get("proposal") or {}).get("version") != row.version:
        return f"{label} version differs from its signed document"
    expected = predicate_for(row, row.organisation_id, superseded)
    return statement_problem(
        statement, subject, row.document_sha256, PREDICATE_TYPE, f"{label} document_sha256"
    ) or predicate_problem(expected, statement.get("predicate"), label, SOURCE_OF)


def describe_proposal(statement: dict) -> str:
    """E.g. "Sam Lee submitted version 2 of expansion proposal 7 for Acorn Care Ltd on 3 March 2026 at 10:14am"."""
    who = signed_fact(statement, "submitter", "name") or "Someone"
    version = signed_fact(statement, "proposal", "version")
    number = signed_fact(statement, "proposal", "id")
    organisation = signed_fact(statement, "organisation", "name") or "an organisation"
    which = f"expansion proposal {number}" if number else "an expansion proposal"
    which = f"version {version} of {which}" if version else which
    return f"{who} submitted {which} for {organisation}{on_when(statement, 'submittedAt')}."


EXPANSION_PROPOSAL = RecordKind(KIND, PREDICATE_TYPE, check_proposal, check_proposals, describe=describe_proposal)
