"""The signed record of a local authority's covenant signature (its side: the LAs' pledges): what its
in-toto Statement says, and the check that the portal's rows still say the same (run by
`ledger verify` for every `la_covenant_signature` entry). Like records.py for providers: the subject
is the covenant version's document (its SHA-256), and the predicate names the authority, the
authorised officer, the LA contact who signed on their authority and the LA pledges signed."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.covenant.models import CovenantVersion, LaCovenantSignature
from covenant_portal.covenant.records import AUTHENTICATION_METHOD, declaration_sha256
from covenant_portal.signing.canonical import canonical_sha256, sha256_hex
from covenant_portal.signing.ledger import rfc3339
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.records import RecordKind, predicate_problem, statement_problem
from covenant_portal.web.ids import parse_id

KIND = "la_covenant_signature"
PREDICATE_TYPE = "urn:gm-first:predicate:la-covenant-signature:v1"
SUBJECT_PREFIX = "urn:gm-first:la-covenant-signature:"


def subject_name_for(signature_id: int) -> str:
    return f"{SUBJECT_PREFIX}{signature_id}"


def la_pledges_sha256(version: CovenantVersion) -> str:
    """SHA-256 of the LA pledges' texts, one a line, in order: what the authority pledged."""
    return sha256_hex("\n".join(pledge["la_pledge"] for pledge in version.document["pledges"]).encode("utf-8"))


def predicate_for(signature, version: CovenantVersion) -> dict:
    return {
        "localAuthority": {
            "id": signature.local_authority_id,
            "name": signature.local_authority_name,
            "onsCode": signature.local_authority_ons_code,
        },
        "authorisedOfficer": {"name": signature.officer_name, "jobTitle": signature.officer_job_title},
        "signer": {"name": signature.signer_name, "userId": signature.signer_id, "email": signature.signer_email},
        "signedAt": rfc3339(signature.signed_at),
        "ceremony": {
            "declaration": signature.declaration,
            "declarationSha256": declaration_sha256(signature.declaration),
            "authentication": {"method": AUTHENTICATION_METHOD},
        },
        "covenant": {
            "version": version.number,
            "title": version.title,
            "documentSha256": version.document_sha256,
            "side": "local authority",
            "laPledgesSha256": la_pledges_sha256(version),
        },
    }


SOURCE_OF = {
    ("localAuthority", "id"): "local_authority_id",
    ("localAuthority", "name"): "local_authority_name",
    ("localAuthority", "onsCode"): "local_authority_ons_code",
    ("authorisedOfficer", "name"): "officer_name",
    ("authorisedOfficer", "jobTitle"): "officer_job_title",
    ("signer", "name"): "signer_name",
    ("signer", "userId"): "signer_id",
    ("signer", "email"): "signer_email",
    ("signedAt",): "signed_at",
    ("ceremony", "declaration"): "declaration",
    ("ceremony", "declarationSha256"): "declaration",
    ("covenant", "version"): "covenant version number",
    ("covenant", "title"): "covenant version title",
    ("covenant", "documentSha256"): "covenant version document_sha256",
    ("covenant", "laPledgesSha256"): "covenant version document",
}


def check_la_signatures(session: Session, records: list[tuple[str, dict]]) -> list[str | None]:
    """For each (subject name, signed Statement), a problem naming what differs, or None."""
    ids = [_signature_id(subject_name) for subject_name, _statement in records]
    table = LaCovenantSignature.__table__
    rows = session.execute(
        select(table, LedgerEntry.subject.label("entry_subject"))
        .outerjoin(LedgerEntry, LedgerEntry.seq == table.c.ledger_seq)
        .where(table.c.id.in_([i for i in ids if i is not None]))
    )
    found = {row.id: row for row in rows}
    versions = {version.id: version for version in session.scalars(select(CovenantVersion))}
    problems: list[str | None] = []
    for (subject_name, statement), signature_id in zip(records, ids, strict=True):
        row = found.get(signature_id) if signature_id is not None else None
        if row is None:
            problems.append(f"{subject_name} names no local authority covenant signature in the database")
            continue
        version = versions[row.covenant_version_id]
        label = f"la_covenant_signature {row.id}"
        if row.entry_subject != subject_name_for(row.id):
            problems.append(f"{label} ledger_seq does not point at its own ledger entry")
        elif canonical_sha256(version.document) != version.document_sha256:
            problems.append(f"covenant_version {version.number} document differs from its document_sha256")
        else:
            problems.append(
                statement_problem(
                    statement,
                    subject_name,
                    version.document_sha256,
                    PREDICATE_TYPE,
                    f"covenant_version {version.number} document_sha256",
                )
                or predicate_problem(predicate_for(row, version), statement.get("predicate"), label, SOURCE_OF)
            )
    return problems


def check_la_signature(session: Session, subject_name: str, statement: dict) -> str | None:
    return check_la_signatures(session, [(subject_name, statement)])[0]


def _signature_id(subject_name: str) -> int | None:
    return parse_id(subject_name.removeprefix(SUBJECT_PREFIX)) if subject_name.startswith(SUBJECT_PREFIX) else None


LA_COVENANT_SIGNATURE = RecordKind(KIND, PREDICATE_TYPE, check_la_signature, check_la_signatures)
