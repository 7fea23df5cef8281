"""The signed record of a covenant signature: what its in-toto Statement says, and the check that
the portal's own rows still say the same (run by `ledger verify` for every covenant-signature entry).

`predicate_for` builds the predicate both when sealing and when checking, so the two cannot drift:
every signed fact is kept on the signature row (the organisation's details as they were when it
signed, since it may be renamed later) or its covenant version, and re-derived from them.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.covenant.models import CovenantSignature, CovenantVersion
from covenant_portal.signing.canonical import canonical_sha256, sha256_hex
from covenant_portal.signing.ledger import rfc3339
from covenant_portal.signing.records import RecordKind, predicate_problem, statement_problem
from covenant_portal.signing.stored_records import StoredRecords, check_page
from covenant_portal.signing.summaries import on_when, signed_fact

KIND = "covenant-signature"
PREDICATE_TYPE = "urn:gm-first:predicate:covenant-signature:v1"
SUBJECT_PREFIX = "urn:gm-first:covenant-signature:"
AUTHENTICATION_METHOD = "password sign-in to the GM First Covenant Portal; email address verified"


def subject_name_for(signature_id: int) -> str:
    return f"{SUBJECT_PREFIX}{signature_id}"


def declaration_sha256(declaration: str) -> str:
    return sha256_hex(declaration.encode("utf-8"))


def predicate_for(signature: CovenantSignature, version: CovenantVersion) -> dict:
    return {
        "signer": {
            "name": signature.signer_name,
            "jobTitle": signature.signer_job_title,
            "userId": signature.signer_id,
            "email": signature.signer_email,
        },
        "organisation": {
            "id": signature.organisation_id,
            "name": signature.organisation_name,
            "companiesHouseNumber": signature.organisation_companies_house_number,
            "charityNumber": signature.organisation_charity_number,
            "ofstedProviderUrn": signature.organisation_ofsted_provider_urn,
        },
        "signedAt": rfc3339(signature.signed_at),
        "ceremony": {
            "declaration": signature.declaration,
            "declarationSha256": declaration_sha256(signature.declaration),
            "authentication": {
                "method": AUTHENTICATION_METHOD,
                "signedInAt": rfc3339(signature.signer_signed_in_at) if signature.signer_signed_in_at else None,
            },
        },
        "covenant": {"version": version.number, "title": version.title, "documentSha256": version.document_sha256},
    }


# Which stored field each signed value comes from, to name it in a problem.
SOURCE_OF = {
    ("signer", "name"): "signer_name",
    ("signer", "jobTitle"): "signer_job_title",
    ("signer", "userId"): "signer_id",
    ("signer", "email"): "signer_email",
    ("organisation", "id"): "organisation_id",
    ("organisation", "name"): "organisation_name",
    ("organisation", "companiesHouseNumber"): "organisation_companies_house_number",
    ("organisation", "charityNumber"): "organisation_charity_number",
    ("organisation", "ofstedProviderUrn"): "organisation_ofsted_provider_urn",
    ("signedAt",): "signed_at",
    ("ceremony", "declaration"): "declaration",
    ("ceremony", "declarationSha256"): "declaration",
    ("ceremony", "authentication", "method"): "authentication method",
    ("ceremony", "authentication", "signedInAt"): "signer_signed_in_at",
    ("covenant", "version"): "covenant version number",
    ("covenant", "title"): "covenant version title",
    ("covenant", "documentSha256"): "covenant version document_sha256",
}


STORED = StoredRecords(CovenantSignature.__table__, SUBJECT_PREFIX, "covenant_signature", "covenant signature")


def check_signature_page(
    session: Session,
    records: list[tuple[str, dict]],
    stored: StoredRecords,
    predicate_type: str,
    predicate_of: Callable[[Any, CovenantVersion], dict],
    source_of: dict[tuple, str],
) -> list[str | None]:
    """What the checks of providers' and LAs' signatures share: for each (subject name, signed
    Statement), a problem naming what differs between it and the stored signature (a plain row,
    which `predicate_of` reads as it reads a signature object: far faster), or None. The subject is
    the signature's covenant version's document, so each version's document is hashed once a page."""
    versions = {version.id: version for version in session.scalars(select(CovenantVersion))}
    intact_versions = {
        version.id for version in versions.values() if canonical_sha256(version.document) == version.document_sha256
    }

    def problem(signature, subject_name: str, statement: dict, label: str) -> str | None:
        version = versions[signature.covenant_version_id]
        if version.id not in intact_versions:
            return f"covenant_version {version.number} document differs from its document_sha256"
        return statement_problem(
            statement,
            subject_name,
            version.document_sha256,
            predicate_type,
            f"covenant_version {version.number} document_sha256",
        ) or predicate_problem(predicate_of(signature, version), statement.get("predicate"), label, source_of)

    return check_page(session, records, stored, problem)


def check_covenant_signatures(session: Session, records: list[tuple[str, dict]]) -> list[str | None]:
    """For each (subject name, signed Statement), a problem naming what differs between the signed
    statement and the stored records, or None. One query for the page's signatures (with the
    subjects of the ledger entries they point at), and each covenant version hashed once."""
    return check_signature_page(session, records, STORED, PREDICATE_TYPE, predicate_for, SOURCE_OF)


def check_covenant_signature(session: Session, subject_name: str, statement: dict) -> str | None:
    return check_covenant_signatures(session, [(subject_name, statement)])[0]


def describe_signature(statement: dict) -> str:
    """E.g. "Jo Bloggs signed version 2 of the GM First Covenant for Acorn Care Ltd on 3 March 2026 at
    10:14am", for a provider or (la_records.py) a local authority."""
    signer = signed_fact(statement, "signer", "name") or "Someone"
    version = signed_fact(statement, "covenant", "version")
    organisation = (
        signed_fact(statement, "organisation", "name")
        or signed_fact(statement, "localAuthority", "name")
        or "an organisation"
    )
    which = f"version {version} of the GM First Covenant" if version else "the GM First Covenant"
    return f"{signer} signed {which} for {organisation}{on_when(statement)}."


COVENANT_SIGNATURE = RecordKind(
    KIND, PREDICATE_TYPE, check_covenant_signature, check_covenant_signatures, describe=describe_signature
)
