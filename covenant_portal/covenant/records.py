"""The signed record of a covenant signature: what its in-toto Statement says, and the check that
the portal's own rows still say the same (run by `ledger verify` for every covenant-signature entry).

`predicate_for` builds the predicate both when sealing and when checking, so the two cannot drift.
A few facts in the predicate are not kept on the signature row: the organisation's name and
reference numbers at the time of signing (an organisation may be renamed later) and the time the
signer last signed in. Those are taken from the statement being checked; everything the row and
its covenant version record is re-derived from the database and compared.
"""
from dataclasses import dataclass

from sqlalchemy.orm import Session

from covenant_portal.accounts.models import ProviderOrganisation, User
from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.signing.canonical import canonical_sha256, sha256_hex
from covenant_portal.signing.ledger import rfc3339
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.records import RecordKind

KIND = "covenant-signature"
PREDICATE_TYPE = "urn:gm-first:predicate:covenant-signature:v1"
SUBJECT_PREFIX = "urn:gm-first:covenant-signature:"
AUTHENTICATION_METHOD = "password sign-in to the GM First Covenant Portal; email address verified"


def subject_name_for(signature_id: int) -> str:
    return f"{SUBJECT_PREFIX}{signature_id}"


def receipt_reference(ledger_seq: int) -> str:
    """What people quote: the ledger position of the signed record, e.g. GMF-000012 for entry 12."""
    return f"GMF-{ledger_seq:06d}"


def declaration_sha256(declaration: str) -> str:
    return sha256_hex(declaration.encode("utf-8"))


@dataclass(frozen=True)
class UnrecordedFacts:
    """Signed facts the signature row does not keep (see the module docstring)."""

    organisation_name: str
    companies_house_number: str | None
    charity_number: str | None
    ofsted_provider_urn: str | None
    signed_in_at: str | None

    @classmethod
    def at_signing(cls, organisation: ProviderOrganisation, signer: User) -> "UnrecordedFacts":
        return cls(
            organisation.name,
            organisation.companies_house_number,
            organisation.charity_number,
            organisation.ofsted_provider_urn,
            rfc3339(signer.last_login_at) if signer.last_login_at else None,
        )

    @classmethod
    def in_predicate(cls, predicate: dict) -> "UnrecordedFacts":
        organisation = _object(predicate.get("organisation"))
        authentication = _object(_object(predicate.get("ceremony")).get("authentication"))
        return cls(
            organisation.get("name"),
            organisation.get("companiesHouseNumber"),
            organisation.get("charityNumber"),
            organisation.get("ofstedProviderUrn"),
            authentication.get("signedInAt"),
        )


def predicate_for(signature: CovenantSignature, facts: UnrecordedFacts) -> dict:
    version = signature.covenant_version
    return {
        "signer": {
            "name": signature.signer_name,
            "jobTitle": signature.signer_job_title,
            "userId": signature.signer_id,
            "email": signature.signer_email,
        },
        "organisation": {
            "id": signature.organisation_id,
            "name": facts.organisation_name,
            "companiesHouseNumber": facts.companies_house_number,
            "charityNumber": facts.charity_number,
            "ofstedProviderUrn": facts.ofsted_provider_urn,
        },
        "signedAt": rfc3339(signature.signed_at),
        "ceremony": {
            "declaration": signature.declaration,
            "declarationSha256": declaration_sha256(signature.declaration),
            "authentication": {"method": AUTHENTICATION_METHOD, "signedInAt": facts.signed_in_at},
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
    ("signedAt",): "signed_at",
    ("ceremony", "declaration"): "declaration",
    ("ceremony", "declarationSha256"): "declaration",
    ("ceremony", "authentication", "method"): "authentication method",
    ("covenant", "version"): "covenant version number",
    ("covenant", "title"): "covenant version title",
    ("covenant", "documentSha256"): "covenant version document_sha256",
}


def check_covenant_signature(session: Session, subject_name: str, statement: dict) -> str | None:
    """A problem naming what differs between the signed statement and the stored records, or None."""
    signature_id = subject_name.removeprefix(SUBJECT_PREFIX)
    signature = session.get(CovenantSignature, int(signature_id)) if signature_id.isdigit() else None
    if signature is None:
        return f"{subject_name} names no covenant signature in the database"
    label = f"covenant_signature {signature.id}"
    return (
        _link_problem(session, signature, label)
        or _document_problem(signature, statement, subject_name)
        or _predicate_problem(signature, statement, label)
    )


def _link_problem(session: Session, signature: CovenantSignature, label: str) -> str | None:
    entry = session.get(LedgerEntry, signature.ledger_seq)
    if entry is None or entry.subject != subject_name_for(signature.id):
        return f"{label} ledger_seq does not point at its own ledger entry"
    return None


def _document_problem(signature: CovenantSignature, statement: dict, subject_name: str) -> str | None:
    version = signature.covenant_version
    label = f"covenant_version {version.number}"
    if canonical_sha256(version.document) != version.document_sha256:
        return f"{label} document differs from its document_sha256"
    subjects = statement.get("subject")
    subject = _object(subjects[0]) if isinstance(subjects, list) and len(subjects) == 1 else {}
    if subject.get("name") != subject_name:
        return f"the statement's subject is not {subject_name}"
    if _object(subject.get("digest")).get("sha256") != version.document_sha256:
        return f"{label} document_sha256 differs from the signed subject digest"
    if statement.get("predicateType") != PREDICATE_TYPE:
        return f"the statement's predicateType is not {PREDICATE_TYPE}"
    return None


def _predicate_problem(signature: CovenantSignature, statement: dict, label: str) -> str | None:
    signed = _object(statement.get("predicate"))
    expected = predicate_for(signature, UnrecordedFacts.in_predicate(signed))
    for path in _differing_paths(expected, signed):
        return f"{label} {SOURCE_OF.get(path, '.'.join(path))} differs from the signed record"
    return None


def _differing_paths(expected, signed, path: tuple = ()):
    if isinstance(expected, dict) and isinstance(signed, dict):
        for key in sorted(expected.keys() | signed.keys()):
            yield from _differing_paths(expected.get(key), signed.get(key), (*path, key))
    elif expected != signed or type(expected) is not type(signed):
        yield path


def _object(value) -> dict:
    return value if isinstance(value, dict) else {}


COVENANT_SIGNATURE = RecordKind(KIND, PREDICATE_TYPE, check_covenant_signature)
