"""The signed record of a local authority's covenant signature (its side: the LAs' pledges): what its
in-toto Statement says, and the check that the portal's rows still say the same (run by
`ledger verify` for every `la_covenant_signature` entry). Like records.py for providers: the subject
is the covenant version's document (its SHA-256), and the predicate names the authority, the
authorised officer, the LA contact who signed on their authority and the LA pledges signed."""

from sqlalchemy.orm import Session

from covenant_portal.covenant.models import CovenantVersion, LaCovenantSignature
from covenant_portal.covenant.records import (
    AUTHENTICATION_METHOD,
    check_signature_page,
    declaration_sha256,
    describe_signature,
)
from covenant_portal.signing.canonical import sha256_hex
from covenant_portal.signing.ledger import rfc3339
from covenant_portal.signing.records import RecordKind
from covenant_portal.signing.stored_records import StoredRecords

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


STORED = StoredRecords(
    LaCovenantSignature.__table__, SUBJECT_PREFIX, "la_covenant_signature", "local authority covenant signature"
)


def check_la_signatures(session: Session, records: list[tuple[str, dict]]) -> list[str | None]:
    """For each (subject name, signed Statement), a problem naming what differs, or None."""
    return check_signature_page(session, records, STORED, PREDICATE_TYPE, predicate_for, SOURCE_OF)


def check_la_signature(session: Session, subject_name: str, statement: dict) -> str | None:
    return check_la_signatures(session, [(subject_name, statement)])[0]


LA_COVENANT_SIGNATURE = RecordKind(
    KIND, PREDICATE_TYPE, check_la_signature, check_la_signatures, describe=describe_signature
)
