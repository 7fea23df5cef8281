"""Signing a quarterly return, and correcting it afterwards.

Signing turns the return's draft into an immutable `AttestationSubmission`: the canonical document
(document.py) hashed and sealed in the ledger as a DSSE envelope over an in-toto Statement, the
same answers kept as rows for querying, the draft cleared, an audit event and confirmation emails —
all in one transaction, or nothing. A correction is a new draft started from the latest signed
version; signing it makes version n + 1, which supersedes version n. Both are kept.
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import null, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import Role, User
from covenant_portal.accounts.service import signer_and_organisation_admins
from covenant_portal.accounts.tokens import email_link
from covenant_portal.attestations.document import document_for, gm_local_authorities
from covenant_portal.attestations.models import (
    AttestationReturn,
    AttestationSubmission,
    GmPlacement,
    HomeOccupancy,
    PledgeAnswer,
    PledgeStatus,
)
from covenant_portal.attestations.records import (
    ATTESTATION_RETURN,
    Superseded,
    predicate_for,
    subject_name_for,
)
from covenant_portal.audit.service import Actor
from covenant_portal.covenant.records import receipt_reference
from covenant_portal.db import next_id
from covenant_portal.mail.service import queue_email
from covenant_portal.signing.canonical import canonical_sha256
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.signing.service import KeyRetired, seal, with_current_key

logger = logging.getLogger(__name__)

SUBMISSION_ENDPOINT = "returns.submission"


class SubmissionError(Exception):
    """A return cannot be signed or corrected now; the message is fit to show the user."""


class DraftChanged(SubmissionError):
    pass


class _Overtaken(Exception):
    """The draft was saved or signed by someone else between reading and signing it."""


class SigningKeyRetired(SubmissionError):
    pass


class AlreadySubmitted(SubmissionError):
    def __init__(self, submission: AttestationSubmission):
        super().__init__(f"This return was signed as version {submission.version}. Nothing else was signed.")
        self.submission = submission


@dataclass(frozen=True)
class Unfinished:
    """Something to finish before signing: in which section (to link to it) and what."""

    section: str  # "pledge", "occupancy" or "contacts"
    message: str
    pledge_number: int | None = None


class Incomplete(SubmissionError):
    def __init__(self, unfinished: list[Unfinished]):
        super().__init__("Finish every section of the return before you sign it.")
        self.unfinished = unfinished


@dataclass(frozen=True)
class ReturnSigning:
    """What the signer typed, and the draft they checked (its draft_lock when the page was shown)."""

    full_name: str
    job_title: str
    draft_lock: int


def declaration_for(attestation_return: AttestationReturn) -> str:
    """The exact words the signer confirms; they are stored and signed as shown."""
    latest = attestation_return.latest_submission
    what = (
        f"this correction (version {latest.version + 1}) of the return"
        if latest is not None else "this return"
    )
    period = attestation_return.period
    return (
        f"I confirm that {what} for {period.label} ({period.months}) is accurate and complete, and that "
        f"I am authorised to sign it for {attestation_return.organisation.name}."
    )


def unfinished_sections(attestation_return: AttestationReturn, draft: dict, document: dict) -> list[Unfinished]:
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
        elif any(count < 0 for count in counts):
            unfinished.append(Unfinished("occupancy", f"Occupancy of {name}: numbers cannot be negative"))
        else:
            used = home["vacantPlaces"] + home["placedOutsideGm"] + sum(home["placedBy"].values())
            if used > home["registeredPlaces"]:
                unfinished.append(Unfinished(
                    "occupancy",
                    f"Occupancy of {name}: children placed plus vacant places ({used}) must not be more than "
                    f"registered places ({home['registeredPlaces']})",
                ))
    contacts = draft.get("contacts") or {}
    if not document["namedContacts"]:
        unfinished.append(Unfinished("contacts", "Named contacts: name a contact for vacancies and referrals"))
    elif contacts.get("from_last_quarter"):
        unfinished.append(Unfinished("contacts", "Named contacts: review the contacts from last quarter"))
    elif not contacts.get("confirmed"):
        unfinished.append(Unfinished("contacts", "Named contacts: confirm your named contacts"))
    return unfinished


# Signing


def sign_return(
    session: Session,
    key: PortalKey,
    signer: User,
    attestation_return: AttestationReturn,
    signing: ReturnSigning,
    actor: Actor,
    now: datetime,
) -> AttestationSubmission:
    """Signs the return's draft as its next version and seals it in the ledger, clearing the draft."""
    if signer.role != Role.PROVIDER or signer.organisation_id != attestation_return.organisation_id:
        raise SubmissionError("Only people of the organisation can sign its return.")
    draft = attestation_return.draft
    if draft is None:
        latest = attestation_return.latest_submission
        if latest is not None:
            raise AlreadySubmitted(latest)
        raise SubmissionError("There is nothing to sign: start the return first.")
    if signing.draft_lock != attestation_return.draft_lock:
        raise DraftChanged(
            "The return was changed after you opened this page, perhaps by a colleague. "
            "Check the answers again, then sign."
        )
    document = document_for(session, attestation_return, draft)
    unfinished = unfinished_sections(attestation_return, draft, document)
    if unfinished:
        raise Incomplete(unfinished)
    try:
        # A savepoint: if sealing fails (a retired key, a colleague signing at the same moment), the
        # draft is back as it was and nothing of this attempt is left.
        with session.begin_nested():
            _clear_draft(session, attestation_return, signing.draft_lock, signer, now)
            submission = _sealed_submission(session, key, signer, signing, attestation_return, document, now)
            _keep_answers_as_rows(session, submission, document)
    except _Overtaken:
        session.refresh(attestation_return)
        latest = attestation_return.latest_submission
        if attestation_return.draft is None and latest is not None:
            raise AlreadySubmitted(latest) from None
        raise DraftChanged(
            "The return was changed after you opened this page, perhaps by a colleague. "
            "Check the answers again, then sign."
        ) from None
    _queue_confirmations(session, submission, now)
    audit.record(
        session, actor, "attestation.signed", submission, now,
        return_id=attestation_return.id, organisation_id=attestation_return.organisation_id,
        period_id=attestation_return.period_id, version=submission.version, ledger_seq=submission.ledger_seq,
        document_sha256=submission.document_sha256,
    )
    session.commit()
    return submission


def sign_with_current_key(
    session: Session,
    current_key: Callable[[], PortalKey],
    signer: User,
    attestation_return: AttestationReturn,
    signing: ReturnSigning,
    actor: Actor,
    now: datetime,
) -> AttestationSubmission:
    """sign_return() with the key current_key() gives; if it was retired meanwhile, once more with a
    newer key if there is one (as covenant signing does). Else SigningKeyRetired, nothing saved."""
    try:
        return with_current_key(
            current_key, lambda key: sign_return(session, key, signer, attestation_return, signing, actor, now)
        )
    except KeyRetired as retired:
        logger.warning("return signing refused: signing key %s is retired and no newer key file is here",
                       retired.keyid)
        raise SigningKeyRetired(
            "The portal’s signing key has just been changed, so your return could not be sealed. "
            "Nothing has been signed and your answers are kept. Try again in a few minutes."
        ) from None


def _clear_draft(
    session: Session, attestation_return: AttestationReturn, lock: int, signer: User, now: datetime
) -> None:
    """Clears the draft if it is still the one the signer checked. The guarded update also holds the
    return's row until the commit, so two colleagues signing at once cannot both sign it."""
    cleared = session.execute(
        update(AttestationReturn)
        .where(AttestationReturn.id == attestation_return.id, AttestationReturn.draft_lock == lock)
        # SQL NULL, not JSON null (what None becomes in a JSON column), so "draft IS NULL" finds it.
        .values(draft=null(), draft_lock=lock + 1, draft_updated_at=now, draft_updated_by_id=signer.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if cleared != 1:
        raise _Overtaken()
    session.expire(attestation_return, ["draft", "draft_lock", "draft_updated_at", "draft_updated_by_id"])


def _sealed_submission(
    session: Session,
    key: PortalKey,
    signer: User,
    signing: ReturnSigning,
    attestation_return: AttestationReturn,
    document: dict,
    now: datetime,
) -> AttestationSubmission:
    latest = attestation_return.latest_submission
    submission = AttestationSubmission(
        id=next_id(session, AttestationSubmission),
        return_id=attestation_return.id,
        version=document["version"],
        supersedes_id=latest.id if latest is not None else None,
        document=document,
        document_sha256=canonical_sha256(document),
        signer_id=signer.id,
        signer_name=signing.full_name,
        signer_job_title=signing.job_title,
        signer_email=signer.email,
        declaration=declaration_for(attestation_return),
        signed_at=now,
    )
    period = attestation_return.period
    superseded = Superseded(latest.version, latest.document_sha256) if latest is not None else None
    entry = seal(
        session, key,
        kind=ATTESTATION_RETURN.kind,
        subject_name=subject_name_for(submission.id),
        subject_sha256=submission.document_sha256,
        predicate_type=ATTESTATION_RETURN.predicate_type,
        predicate=predicate_for(
            submission, attestation_return.organisation_id, period.financial_year, period.quarter, superseded
        ),
        now=now,
    )
    submission.ledger_seq = entry.seq
    session.add(submission)
    try:
        session.flush()
    except IntegrityError:  # the same version, signed by a colleague at the same moment
        raise _Overtaken() from None
    session.expire(attestation_return, ["submissions"])
    return submission


def _keep_answers_as_rows(session: Session, submission: AttestationSubmission, document: dict) -> None:
    authority_ids = {authority.ons_code: authority.id for authority in gm_local_authorities(session)}
    for pledge in document["pledges"]:
        session.add(PledgeAnswer(
            submission_id=submission.id, pledge_number=pledge["number"],
            status=PledgeStatus(pledge["status"]), narrative=pledge["narrative"],
        ))
    for home in document["occupancy"]:
        occupancy = HomeOccupancy(
            submission_id=submission.id, home_id=home["homeId"], registered_places=home["registeredPlaces"],
            vacant_places=home["vacantPlaces"], placed_outside_gm=home["placedOutsideGm"],
        )
        occupancy.gm_placements = [
            GmPlacement(local_authority_id=authority_ids[code], children=children)
            for code, children in sorted(home["placedBy"].items())
            if children
        ]
        session.add(occupancy)
    session.flush()


def _queue_confirmations(session: Session, submission: AttestationSubmission, now: datetime) -> None:
    attestation_return = submission.attestation_return
    reference = receipt_reference(submission.ledger_seq)
    what = "correction to the return" if submission.version > 1 else "return"
    for user_id, address in signer_and_organisation_admins(session, attestation_return.organisation_id,
                                                           submission.signer):
        queue_email(
            session,
            to=address,
            subject=f"Your {what} for {attestation_return.period.label} is signed (receipt {reference})",
            template="return_signed",
            dedupe_key=f"return-signed:{submission.id}:{user_id}",
            now=now,
            submission=submission,
            organisation=attestation_return.organisation,
            period=attestation_return.period,
            reference=reference,
            submission_link=email_link(
                SUBMISSION_ENDPOINT, return_id=attestation_return.id, version=submission.version
            ),
        )


# Versions and receipts


def submission_numbered(attestation_return: AttestationReturn, version: int) -> AttestationSubmission | None:
    return next((s for s in attestation_return.submissions if s.version == version), None)


def receipt_bytes(session: Session, submission: AttestationSubmission) -> bytes:
    """The DSSE envelope exactly as the ledger keeps it."""
    return session.get(LedgerEntry, submission.ledger_seq).envelope


# Corrections


def draft_from_document(document: dict, based_on: int) -> dict:
    """A draft holding a signed version's answers, each already reviewed (they are this period's)."""
    return {
        "pledges": {
            str(pledge["number"]): {
                "status": pledge["status"], "narrative": pledge["narrative"], "from_last_quarter": False,
            }
            for pledge in document["pledges"]
        },
        "occupancy": {
            str(home["homeId"]): {
                "placed_by": {code: children for code, children in home["placedBy"].items()},
                "placed_outside_gm": home["placedOutsideGm"],
                "vacant_places": home["vacantPlaces"],
                "registered_places": home["registeredPlaces"],
                "from_last_quarter": False,
            }
            for home in document["occupancy"]
        },
        "contacts": {"confirmed": True, "from_last_quarter": False},
        "based_on": based_on,
    }


def start_correction(
    session: Session, attestation_return: AttestationReturn, user: User, actor: Actor, now: datetime
) -> AttestationReturn:
    """Opens a new draft from the latest signed version. If a draft is already open (a colleague
    started the correction), it is kept as it is."""
    latest = attestation_return.latest_submission
    if latest is None:
        raise SubmissionError("This return has not been signed yet, so there is nothing to correct.")
    if attestation_return.draft is not None:
        return attestation_return
    lock = attestation_return.draft_lock
    opened = session.execute(
        update(AttestationReturn)
        .where(
            AttestationReturn.id == attestation_return.id,
            AttestationReturn.draft_lock == lock,
        )
        .values(
            draft=draft_from_document(latest.document, latest.id),
            draft_lock=lock + 1,
            draft_updated_at=now,
            draft_updated_by_id=user.id,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if opened == 1:
        audit.record(
            session, actor, "attestation.correction_started", attestation_return, now,
            organisation_id=attestation_return.organisation_id, period_id=attestation_return.period_id,
            based_on_version=latest.version,
        )
    session.commit()
    session.refresh(attestation_return)
    return attestation_return
