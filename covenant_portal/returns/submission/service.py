"""Signing a quarterly return, and correcting it afterwards.

Signing turns the return's draft into an immutable `ReturnSubmission`: the canonical document
(document.py) hashed and sealed in the ledger as a DSSE envelope over an in-toto Statement, the
same answers kept as rows for querying, the draft cleared, an audit event and confirmation emails —
all in one transaction, or nothing. A correction is a new draft started from the latest signed
version; signing it makes version n + 1, which supersedes version n. Both are kept.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import null, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import User
from covenant_portal.access import Role
from covenant_portal.accounts.service import signer_and_organisation_admins
from covenant_portal.covenant.models import CovenantSignature, CovenantVersion
from covenant_portal.returns.submission.document import document_for, gm_local_authorities
from covenant_portal.returns.models import (
    QuarterlyReturn,
    ReturnSubmission,
    GmPlacement,
    HomeOccupancy,
    PledgeAnswer,
    PledgeStatus,
)
from covenant_portal.returns.occupancy import OccupancyInput, figure_problems, places_fault
from covenant_portal.returns.submission.records import (
    ATTESTATION_RETURN,
    Superseded,
    predicate_for,
    subject_name_for,
)
from covenant_portal.audit.service import Actor
from covenant_portal.signing.references import receipt_reference
from covenant_portal.db import next_id
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_email_to_each
from covenant_portal.signing.canonical import canonical_sha256
from covenant_portal.signing.crash_points import crash_point
from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.signing.retired_keys import sign_or_refuse
from covenant_portal.signing.stored_records import receipt_envelope, seal_record

from covenant_portal.returns.submission.corrections import draft_from_document, start_correction  # noqa: F401
from covenant_portal.returns.submission.errors import (  # also part of this module's interface
    AlreadySubmitted,
    DraftChanged,
    Incomplete,
    SigningKeyRetired,
    SubmissionError,
    Unfinished,
    _Overtaken,
)


SUBMISSION_ENDPOINT = "returns.submission"


@dataclass(frozen=True)
class ReturnSigning:
    """What the signer typed, and the draft they checked (its draft_lock when the page was shown)."""

    full_name: str
    job_title: str
    draft_lock: int


def declaration_for(quarterly_return: QuarterlyReturn) -> str:
    """The exact words the signer confirms; they are stored and signed as shown."""
    latest = quarterly_return.latest_submission
    what = f"this correction (version {latest.version + 1}) of the return" if latest is not None else "this return"
    period = quarterly_return.period
    return (
        f"I confirm that {what} for {period.label} ({period.months}) is accurate and complete, and that "
        f"I am authorised to sign it for {quarterly_return.organisation.name}."
    )


def unfinished_sections(quarterly_return: QuarterlyReturn, draft: dict, document: dict) -> list[Unfinished]:
    """What stops the draft being signed: unanswered or unreviewed questions, counts that do not add up."""
    unfinished: list[Unfinished] = []
    answers = draft.get("pledges") or {}
    for pledge in document["pledges"]:
        number = pledge["number"]
        answer = answers.get(str(number)) or {}
        if pledge["status"] not in set(PledgeStatus):
            unfinished.append(Unfinished("pledge", f"Pledge {number}: say whether it was met", number))
        elif answer.get("from_last_quarter"):
            unfinished.append(Unfinished("pledge", f"Pledge {number}: review the answer from last quarter", number))
        elif pledge["status"] != PledgeStatus.MET and not pledge["narrative"]:
            unfinished.append(Unfinished("pledge", f"Pledge {number}: explain how the pledge was kept", number))
    occupancy = draft.get("occupancy") or {}
    for home in document["occupancy"]:
        name = home["name"]
        counts = [home["registeredPlaces"], home["vacantPlaces"], home["placedOutsideGm"], *home["placedBy"].values()]
        if (occupancy.get(str(home["homeId"])) or {}).get("from_last_quarter"):
            unfinished.append(Unfinished("occupancy", f"Occupancy of {name}: review the figures from last quarter"))
        elif any(count is None for count in counts) or str(home["homeId"]) not in occupancy:
            unfinished.append(Unfinished("occupancy", f"Occupancy of {name}: enter the figures"))
        elif problem := occupancy_problem(home):
            unfinished.append(Unfinished("occupancy", f"Occupancy of {name}: {problem}"))
    contacts = draft.get("contacts") or {}
    if not document["namedContacts"]:
        unfinished.append(Unfinished("contacts", "Named contacts: name a contact for vacancies and referrals"))
    elif contacts.get("from_last_quarter"):
        unfinished.append(Unfinished("contacts", "Named contacts: review the contacts from last quarter"))
    elif not contacts.get("confirmed"):
        unfinished.append(Unfinished("contacts", "Named contacts: confirm your named contacts"))
    return unfinished


def occupancy_problem(home: dict) -> str | None:
    """The first thing the occupancy rule (returns/occupancy.py) finds wrong with a home's figures
    in the document, in its words ("vacant places must be 0 or more"), or None."""
    figures = OccupancyInput(
        placed_by=home["placedBy"],
        placed_outside_gm=home["placedOutsideGm"],
        vacant_places=home["vacantPlaces"],
        registered_places=home["registeredPlaces"],
    )
    for what, fault in figure_problems(figures, list(home["placedBy"])).values():
        return f"{what[0].lower()}{what[1:]} {fault}"
    return places_fault(figures)


# Signing


def sign_return(
    session: Session,
    links: Links,
    key: PortalKey,
    signer: User,
    quarterly_return: QuarterlyReturn,
    signing: ReturnSigning,
    actor: Actor,
    now: datetime,
) -> ReturnSubmission:
    """Signs the return's draft as its next version and seals it in the ledger, clearing the draft."""
    if signer.role != Role.PROVIDER or signer.organisation_id != quarterly_return.organisation_id:
        raise SubmissionError("Only people of the organisation can sign its return.")
    draft = quarterly_return.draft
    if draft is None:
        latest = quarterly_return.latest_submission
        if latest is not None:
            raise AlreadySubmitted(latest)
        raise SubmissionError("There is nothing to sign: start the return first.")
    if signing.draft_lock != quarterly_return.draft_lock:
        raise DraftChanged(
            "The return was changed after you opened this page, perhaps by a colleague. "
            "Check the answers again, then sign."
        )
    document = document_for(session, quarterly_return, draft)
    unfinished = unfinished_sections(quarterly_return, draft, document)
    if unfinished:
        raise Incomplete(unfinished)
    try:
        # A savepoint: if sealing fails (a retired key, a colleague signing at the same moment), the
        # draft is back as it was and nothing of this attempt is left.
        with session.begin_nested():
            _clear_draft(session, quarterly_return, signing.draft_lock, signer, now)
            submission = _sealed_submission(session, key, signer, signing, quarterly_return, document, now)
            _keep_answers_as_rows(session, submission, document)
    except _Overtaken:
        session.refresh(quarterly_return)
        latest = quarterly_return.latest_submission
        if quarterly_return.draft is None and latest is not None:
            raise AlreadySubmitted(latest) from None
        raise DraftChanged(
            "The return was changed after you opened this page, perhaps by a colleague. "
            "Check the answers again, then sign."
        ) from None
    _queue_confirmations(session, links, submission, now)
    audit.record(
        session,
        actor,
        "attestation.signed",
        submission,
        now,
        return_id=quarterly_return.id,
        organisation_id=quarterly_return.organisation_id,
        period_id=quarterly_return.period_id,
        version=submission.version,
        ledger_seq=submission.ledger_seq,
        document_sha256=submission.document_sha256,
    )
    crash_point("return.before_commit")
    session.commit()
    crash_point("return.committed")
    return submission


def sign_with_current_key(
    session: Session,
    links: Links,
    current_key: Callable[[], PortalKey],
    signer: User,
    quarterly_return: QuarterlyReturn,
    signing: ReturnSigning,
    actor: Actor,
    now: datetime,
) -> ReturnSubmission:
    """sign_return() with the key current_key() gives; if it was retired meanwhile, once more with a
    newer key if there is one (as covenant signing does). Else SigningKeyRetired, nothing saved."""
    return sign_or_refuse(
        session,
        current_key,
        lambda key: sign_return(session, links, key, signer, quarterly_return, signing, actor, now),
        lambda: SigningKeyRetired(
            "The portal’s signing key has just been changed, so your return could not be sealed. "
            "Nothing has been signed and your answers are kept. Try again in a few minutes."
        ),
        "return signing",
        roll_back=False,  # sign_return's savepoint has undone the attempt; the draft is kept as it was
    )


def _clear_draft(session: Session, quarterly_return: QuarterlyReturn, lock: int, signer: User, now: datetime) -> None:
    """Clears the draft if it is still the one the signer checked. The guarded update also holds the
    return's row until the commit, so two colleagues signing at once cannot both sign it."""
    cleared = session.execute(
        update(QuarterlyReturn)
        .where(QuarterlyReturn.id == quarterly_return.id, QuarterlyReturn.draft_lock == lock)
        # SQL NULL, not JSON null (what None becomes in a JSON column), so "draft IS NULL" finds it.
        .values(draft=null(), draft_lock=lock + 1, draft_updated_at=now, draft_updated_by_id=signer.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if cleared != 1:
        raise _Overtaken()
    session.expire(quarterly_return, ["draft", "draft_lock", "draft_updated_at", "draft_updated_by_id"])


def _sealed_submission(
    session: Session,
    key: PortalKey,
    signer: User,
    signing: ReturnSigning,
    quarterly_return: QuarterlyReturn,
    document: dict,
    now: datetime,
) -> ReturnSubmission:
    latest = quarterly_return.latest_submission
    submission = ReturnSubmission(
        id=next_id(session, ReturnSubmission),
        return_id=quarterly_return.id,
        version=document["version"],
        supersedes_id=latest.id if latest is not None else None,
        document=document,
        document_sha256=canonical_sha256(document),
        signer_id=signer.id,
        signer_name=signing.full_name,
        signer_job_title=signing.job_title,
        signer_email=signer.email,
        declaration=declaration_for(quarterly_return),
        signed_at=now,
    )
    period = quarterly_return.period
    superseded = Superseded(latest.version, latest.document_sha256) if latest is not None else None
    predicate = predicate_for(
        submission, quarterly_return.organisation_id, period.financial_year, period.quarter, superseded
    )
    try:
        seal_record(
            session,
            key,
            ATTESTATION_RETURN,
            submission,
            subject_name=subject_name_for(submission.id),
            subject_sha256=submission.document_sha256,
            predicate=predicate,
            now=now,
        )
    except IntegrityError:  # the same version, signed by a colleague at the same moment
        raise _Overtaken() from None
    session.expire(quarterly_return, ["submissions"])
    return submission


def _keep_answers_as_rows(session: Session, submission: ReturnSubmission, document: dict) -> None:
    authority_ids = {authority.ons_code: authority.id for authority in gm_local_authorities(session)}
    for pledge in document["pledges"]:
        session.add(
            PledgeAnswer(
                submission_id=submission.id,
                pledge_number=pledge["number"],
                status=PledgeStatus(pledge["status"]),
                narrative=pledge["narrative"],
            )
        )
    for home in document["occupancy"]:
        occupancy = HomeOccupancy(
            submission_id=submission.id,
            home_id=home["homeId"],
            registered_places=home["registeredPlaces"],
            vacant_places=home["vacantPlaces"],
            placed_outside_gm=home["placedOutsideGm"],
        )
        occupancy.gm_placements = [
            GmPlacement(local_authority_id=authority_ids[code], children=children)
            for code, children in sorted(home["placedBy"].items())
            if children
        ]
        session.add(occupancy)
    session.flush()


def _queue_confirmations(session: Session, links: Links, submission: ReturnSubmission, now: datetime) -> None:
    quarterly_return = submission.quarterly_return
    reference = receipt_reference(submission.ledger_seq)
    what = "correction to the return" if submission.version > 1 else "return"
    queue_email_to_each(
        session,
        signer_and_organisation_admins(session, quarterly_return.organisation_id, submission.signer),
        subject=f"Your {what} for {quarterly_return.period.label} is signed (receipt {reference})",
        template="return_signed",
        dedupe_key=f"return-signed:{submission.id}",
        now=now,
        submission=submission,
        organisation=quarterly_return.organisation,
        period=quarterly_return.period,
        reference=reference,
        submission_link=links.url(SUBMISSION_ENDPOINT, return_id=quarterly_return.id, version=submission.version),
    )


# Versions and receipts


def submission_numbered(quarterly_return: QuarterlyReturn, version: int) -> ReturnSubmission | None:
    return next((s for s in quarterly_return.submissions if s.version == version), None)


def receipt_bytes(session: Session, submission: ReturnSubmission) -> bytes:
    """The DSSE envelope exactly as the ledger keeps it."""
    return receipt_envelope(session, submission.ledger_seq)


def covenant_version_made_under(session: Session, submission: ReturnSubmission) -> int | None:
    """The covenant version a signed return was made under: as its signed document says, else (a
    document without it) the version of the organisation's latest signature before it was signed."""
    named = (submission.document or {}).get("covenant") or {}
    if named.get("version") is not None:
        return int(named["version"])
    return session.scalar(
        select(CovenantVersion.number)
        .join(CovenantSignature, CovenantSignature.covenant_version_id == CovenantVersion.id)
        .where(
            CovenantSignature.organisation_id == submission.quarterly_return.organisation_id,
            CovenantSignature.signed_at <= submission.signed_at,
        )
        .order_by(CovenantSignature.signed_at.desc(), CovenantSignature.id.desc())
        .limit(1)
    )
