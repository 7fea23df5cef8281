"""The signed record of a quarterly return: what its in-toto Statement says, and the check that the
portal's own rows still say the same (run by `ledger verify` for every attestation-return entry).

The subject is the submission (urn:gm-first:attestation-return:<submission id>) and its digest the
SHA-256 of the return's canonical document (`ReturnSubmission.document`, see document.py). The
predicate is re-derived from the submission row, its return and the version it supersedes by
`predicate_for`, both when sealing and when checking. The check also re-hashes the stored document
and compares the answers kept as rows (pledge_answer, home_occupancy, gm_placement) with it.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from covenant_portal.accounts.models import LocalAuthority
from covenant_portal.returns.models import (
    QuarterlyReturn,
    ReturnSubmission,
    GmPlacement,
    HomeOccupancy,
    PledgeAnswer,
    ReturnPeriod,
)
from covenant_portal.returns.evidence.check import check_evidence_files
from covenant_portal.covenant.records import declaration_sha256
from covenant_portal.signing.canonical import canonical_sha256
from covenant_portal.signing.ledger import rfc3339
from covenant_portal.signing.records import RecordKind, as_object, predicate_problem, statement_problem
from covenant_portal.signing.stored_records import StoredRecords, check_page, subject_id
from covenant_portal.signing.summaries import on_when, signed_fact

KIND = "attestation-return"
PREDICATE_TYPE = "urn:gm-first:predicate:attestation-return:v1"
SUBJECT_PREFIX = "urn:gm-first:attestation-return:"
AUTHENTICATION_METHOD = "password sign-in to the GM First Covenant Portal; email address verified"


def subject_name_for(submission_id: int) -> str:
    return f"{SUBJECT_PREFIX}{submission_id}"


@dataclass(frozen=True)
class Superseded:
    version: int
    document_sha256: str


def predicate_for(
    submission, organisation_id: int, financial_year: int, quarter: int, supersedes: Superseded | None
) -> dict:
    """The predicate of a submission (a row or an ReturnSubmission), of a return of the
    organisation for the period, superseding `supersedes` (None for version 1)."""
    return {
        "return": {
            "id": submission.return_id,
            "version": submission.version,
            "supersedes": (
                {"version": supersedes.version, "documentSha256": supersedes.document_sha256}
                if supersedes is not None
                else None
            ),
        },
        "organisation": {"id": organisation_id, "name": (submission.document.get("organisation") or {}).get("name")},
        "period": {"financialYear": financial_year, "quarter": quarter},
        "signer": {
            "name": submission.signer_name,
            "jobTitle": submission.signer_job_title,
            "userId": submission.signer_id,
            "email": submission.signer_email,
        },
        "signedAt": rfc3339(submission.signed_at),
        "ceremony": {
            "declaration": submission.declaration,
            "declarationSha256": declaration_sha256(submission.declaration),
            "authentication": {"method": AUTHENTICATION_METHOD},
        },
    }


def predicate_of(submission: ReturnSubmission) -> dict:
    """predicate_for an ReturnSubmission with its return, period and superseded version loaded."""
    quarterly_return = submission.quarterly_return
    superseded = submission.supersedes
    return predicate_for(
        submission,
        quarterly_return.organisation_id,
        quarterly_return.period.financial_year,
        quarterly_return.period.quarter,
        Superseded(superseded.version, superseded.document_sha256) if superseded is not None else None,
    )


# Which stored field each signed value comes from, to name it in a problem.
SOURCE_OF = {
    ("return", "id"): "return_id",
    ("return", "version"): "version",
    ("return", "supersedes", "version"): "supersedes_id",
    ("return", "supersedes", "documentSha256"): "supersedes_id",
    ("return", "supersedes"): "supersedes_id",
    ("organisation", "id"): "attestation_return organisation_id",
    ("organisation", "name"): "document organisation name",
    ("period", "financialYear"): "attestation_return period_id",
    ("period", "quarter"): "attestation_return period_id",
    ("signer", "name"): "signer_name",
    ("signer", "jobTitle"): "signer_job_title",
    ("signer", "userId"): "signer_id",
    ("signer", "email"): "signer_email",
    ("signedAt",): "signed_at",
    ("ceremony", "declaration"): "declaration",
    ("ceremony", "declarationSha256"): "declaration",
    ("ceremony", "authentication", "method"): "authentication method",
}


def _with_return_and_period(rows: Select) -> Select:
    submissions = ReturnSubmission.__table__
    superseded = aliased(ReturnSubmission)
    return (
        rows.add_columns(
            QuarterlyReturn.organisation_id.label("organisation_id"),
            ReturnPeriod.financial_year.label("financial_year"),
            ReturnPeriod.quarter.label("quarter"),
            superseded.version.label("superseded_version"),
            superseded.document_sha256.label("superseded_sha256"),
        )
        .join(QuarterlyReturn, QuarterlyReturn.id == submissions.c.return_id)
        .join(ReturnPeriod, ReturnPeriod.id == QuarterlyReturn.period_id)
        .outerjoin(superseded, superseded.id == submissions.c.supersedes_id)
    )


STORED = StoredRecords(
    ReturnSubmission.__table__,
    SUBJECT_PREFIX,
    "attestation_submission",
    "attestation return submission",
    _with_return_and_period,
)


def check_returns(session: Session, records: list[tuple[str, dict]]) -> list[str | None]:
    """For each (subject name, signed Statement), a problem naming what differs between the signed
    statement and the stored records, or None. Five queries for the page, whatever its length."""
    named = [subject_id(subject_name, SUBJECT_PREFIX) for subject_name, _statement in records]
    stored = _stored_answers(session, [i for i in named if i is not None])

    def problem(row, subject_name: str, statement: dict, label: str) -> str | None:
        return _problem(row, stored.get(row.id, _empty()), subject_name, statement, label)

    return check_page(session, records, STORED, problem)


def check_return(session: Session, subject_name: str, statement: dict) -> str | None:
    return check_returns(session, [(subject_name, statement)])[0]


def _problem(row, stored: dict, subject_name: str, statement: dict, label: str) -> str | None:
    document = row.document if isinstance(row.document, dict) else {}
    try:
        document_hash = canonical_sha256(document)
    except (TypeError, ValueError):
        document_hash = None
    if document_hash != row.document_sha256:
        return f"{label} document differs from its document_sha256"
    superseded = Superseded(row.superseded_version, row.superseded_sha256) if row.supersedes_id is not None else None
    expected = predicate_for(row, row.organisation_id, row.financial_year, row.quarter, superseded)
    return (
        statement_problem(statement, subject_name, row.document_sha256, PREDICATE_TYPE, f"{label} document_sha256")
        or predicate_problem(expected, statement.get("predicate"), label, SOURCE_OF)
        or _document_problem(row, document, superseded, label)
        or _rows_problem(document, stored, label)
    )


def _document_problem(row, document: dict, superseded: Superseded | None, label: str) -> str | None:
    """The signed document must be of the same return, version and period as the signed predicate."""
    expected_supersedes = (
        {"version": superseded.version, "documentSha256": superseded.document_sha256} if superseded else None
    )
    if document.get("version") != row.version or document.get("supersedes") != expected_supersedes:
        return f"{label} version differs from its signed document"
    if as_object(document.get("organisation")).get("id") != row.organisation_id:
        return f"{label} attestation_return organisation_id differs from its signed document"
    period = as_object(document.get("period"))
    if (period.get("financialYear"), period.get("quarter")) != (row.financial_year, row.quarter):
        return f"{label} attestation_return period_id differs from its signed document"
    return None


# The answers kept as rows


def _empty() -> dict:
    return {"pledges": {}, "occupancy": {}}


def _stored_answers(session: Session, submission_ids: list[int]) -> dict[int, dict]:
    """By submission id: {"pledges": {number: (status, narrative)}, "occupancy": {home id:
    (registered, vacant, outside GM, {ONS code: children})}}, in three queries."""
    stored: dict[int, dict] = defaultdict(_empty)
    if not submission_ids:
        return stored
    for answer in session.execute(
        select(
            PledgeAnswer.submission_id, PledgeAnswer.pledge_number, PledgeAnswer.status, PledgeAnswer.narrative
        ).where(PledgeAnswer.submission_id.in_(submission_ids))
    ):
        stored[answer.submission_id]["pledges"][answer.pledge_number] = (str(answer.status), answer.narrative)
    placements: dict[int, dict[str, int]] = defaultdict(dict)
    for placement in session.execute(
        select(GmPlacement.occupancy_id, LocalAuthority.ons_code, GmPlacement.children)
        .join(LocalAuthority, LocalAuthority.id == GmPlacement.local_authority_id)
        .join(HomeOccupancy, HomeOccupancy.id == GmPlacement.occupancy_id)
        .where(HomeOccupancy.submission_id.in_(submission_ids))
    ):
        placements[placement.occupancy_id][placement.ons_code] = placement.children
    for occupancy in session.execute(
        select(HomeOccupancy).where(HomeOccupancy.submission_id.in_(submission_ids))
    ).scalars():
        stored[occupancy.submission_id]["occupancy"][occupancy.home_id] = (
            occupancy.registered_places,
            occupancy.vacant_places,
            occupancy.placed_outside_gm,
            placements.get(occupancy.id, {}),
        )
    return stored


def rows_from_document(document: dict) -> dict:
    """What the rows of a submission must hold, in the shape _stored_answers gives."""
    return {
        "pledges": {
            pledge["number"]: (pledge["status"], pledge["narrative"]) for pledge in document.get("pledges", [])
        },
        "occupancy": {
            home["homeId"]: (
                home["registeredPlaces"],
                home["vacantPlaces"],
                home["placedOutsideGm"],
                {code: children for code, children in home["placedBy"].items() if children},
            )
            for home in document.get("occupancy", [])
        },
    }


def _rows_problem(document: dict, stored: dict, label: str) -> str | None:
    try:
        expected = rows_from_document(document)
    except (KeyError, TypeError, AttributeError):
        return f"{label} document is not a return document"
    for number in sorted(expected["pledges"].keys() | stored["pledges"].keys()):
        if expected["pledges"].get(number) != stored["pledges"].get(number):
            return f"{label} pledge_answer for pledge {number} differs from the signed document"
    for home_id in sorted(expected["occupancy"].keys() | stored["occupancy"].keys()):
        want, have = expected["occupancy"].get(home_id), stored["occupancy"].get(home_id)
        if want is None or have is None or want[:3] != have[:3]:
            return f"{label} home_occupancy for home {home_id} differs from the signed document"
        if want[3] != have[3]:
            return f"{label} gm_placement for home {home_id} differs from the signed document"
    return None


def describe_return(statement: dict) -> str:
    """E.g. "Jo Bloggs signed the quarterly return for Q3 2025 to 2026 for Acorn Care Ltd on 20 January
    2026 at 10:14am"; a correction says which version it is and which it corrects."""
    signer = signed_fact(statement, "signer", "name") or "Someone"
    organisation = signed_fact(statement, "organisation", "name") or "an organisation"
    year, quarter = signed_fact(statement, "period", "financialYear"), signed_fact(statement, "period", "quarter")
    period = f" for Q{quarter} {year} to {int(year) + 1}" if year and quarter and year.isdigit() else ""
    version, corrects = (
        signed_fact(statement, "return", "version"),
        signed_fact(statement, "return", "supersedes", "version"),
    )
    which = f"version {version} of the quarterly return" if corrects else "the quarterly return"
    correcting = f" (correcting version {corrects})" if corrects else ""
    return f"{signer} signed {which}{period}{correcting} for {organisation}{on_when(statement)}."


ATTESTATION_RETURN = RecordKind(
    KIND, PREDICATE_TYPE, check_return, check_returns, check_evidence_files, describe=describe_return
)
