"""Submitting a proposal: its draft becomes a signed `ProposalVersion` (DSSE over an in-toto
Statement, sealed in the ledger in the same transaction), the host LA's named contacts are emailed
and the other GM LAs' named contacts told for information. A revision is a new draft from the last
version; submitting it makes version n + 1, superseding n (both kept), and restarts the clock.
Withdrawing ends the proposal."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import null, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import User
from covenant_portal.accounts.service import signer_and_organisation_admins
from covenant_portal.audit.service import Actor
from covenant_portal.signing.references import receipt_reference
from covenant_portal.db import next_id
from covenant_portal.expansions.common import ExpansionError, add_event, gm_authorities, named_contacts
from covenant_portal.filters import london_day
from covenant_portal.expansions.models import EventKind, ExpansionProposal, ProposalStatus, ProposalVersion
from covenant_portal.expansions.proposals import rules
from covenant_portal.expansions.proposals.drafts import choices, unfinished
from covenant_portal.expansions.proposals.records import EXPANSION_PROPOSAL, predicate_for, subject_name_for
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_email, queue_email_to_each
from covenant_portal.signing.canonical import canonical_sha256
from covenant_portal.signing.ledger import rfc3339
from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.signing.retired_keys import sign_or_refuse
from covenant_portal.signing.stored_records import receipt_envelope, seal_record

LA_PAGE = "expansion_triage.proposal"
PROVIDER_PAGE = "expansion_proposals.proposal"
OPEN = (ProposalStatus.AWAITING_TRIAGE, ProposalStatus.INFORMATION_REQUESTED, ProposalStatus.DISCUSSING)


class Changed(ExpansionError):
    """The draft changed after the check-answers page was shown."""


def document_for(session: Session, proposal: ExpansionProposal, version: int, now: datetime) -> dict:
    draft = proposal.draft or {}
    host_code = (draft.get("service") or {}).get("host_la")
    host = next((la for la in gm_authorities(session) if la.ons_code == host_code), None)
    need = (draft.get("need") or {}).get("need_id")
    latest = proposal.latest_version
    return {
        "proposal": {
            "id": proposal.id,
            "version": version,
            "supersedes": (
                {"version": latest.version, "documentSha256": latest.document_sha256} if latest is not None else None
            ),
        },
        "organisation": {"id": proposal.organisation_id, "name": proposal.organisation.name},
        "hostLocalAuthority": {"onsCode": host.ons_code, "name": host.name} if host else None,
        "answers": {section: dict(draft.get(section) or {}) for section in rules.SECTIONS},
        "needAnswered": choices(session, draft)["need_id"].get(need or ""),
        "submittedAt": rfc3339(now),
    }


def submit(
    session: Session,
    links: Links,
    current_key: Callable[[], PortalKey],
    user: User,
    proposal: ExpansionProposal,
    draft_lock: int,
    actor: Actor,
    now: datetime,
) -> ProposalVersion:
    """Signs the draft as the proposal's next version. Nothing is saved if anything stops it."""
    if user.organisation_id != proposal.organisation_id:
        raise ExpansionError("Only people of the organisation can submit its proposal.")
    if proposal.draft is None:
        raise ExpansionError("There is nothing to submit: this proposal has no open draft.")
    if proposal.status == ProposalStatus.WITHDRAWN:
        raise ExpansionError("This proposal was withdrawn.")
    if draft_lock != proposal.draft_lock:
        raise Changed("The proposal was changed after you opened this page, perhaps by a colleague. Check it again.")
    if unfinished(session, proposal, london_day(now)):
        raise ExpansionError("Some answers are missing: finish every section first.")
    return sign_or_refuse(
        session,
        current_key,
        lambda key: _submit(session, links, key, user, proposal, actor, now),
        lambda: ExpansionError(
            "The portal’s signing key has just been changed, so your proposal could not be sealed. "
            "Nothing has been submitted and your answers are kept. Try again in a few minutes."
        ),
        "expansion proposal submission",
    )


def _submit(
    session: Session, links: Links, key: PortalKey, user: User, proposal: ExpansionProposal, actor: Actor, now
) -> ProposalVersion:
    latest = proposal.latest_version
    number = latest.version + 1 if latest is not None else 1
    document = document_for(session, proposal, number, now)
    host = document["hostLocalAuthority"]
    authority = next(la for la in gm_authorities(session) if la.ons_code == host["onsCode"])
    lock = proposal.draft_lock
    with session.begin_nested():
        cleared = session.execute(  # type: ignore[attr-defined]  # .rowcount: an UPDATE's result is a CursorResult
            update(ExpansionProposal)
            .where(ExpansionProposal.id == proposal.id, ExpansionProposal.draft_lock == lock)
            .values(
                draft=null(),
                draft_lock=lock + 1,
                status=ProposalStatus.AWAITING_TRIAGE,
                host_local_authority_id=authority.id,
                title=document["answers"]["service"]["title"],
                taken_by_id=None,
                taken_at=None,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if cleared != 1:
            raise Changed("The proposal was changed or submitted by a colleague meanwhile. Check it again.")
        version = ProposalVersion(
            id=next_id(session, ProposalVersion),
            proposal_id=proposal.id,
            version=number,
            supersedes_id=latest.id if latest is not None else None,
            document=document,
            document_sha256=canonical_sha256(document),
            submitted_by_id=user.id,
            submitted_by_name=user.full_name,
            submitted_by_email=user.email,
            submitted_at=now,
        )
        superseded = (latest.version, latest.document_sha256) if latest is not None else None
        try:
            seal_record(
                session,
                key,
                EXPANSION_PROPOSAL,
                version,
                subject_name=subject_name_for(version.id),
                subject_sha256=version.document_sha256,
                predicate=predicate_for(version, proposal.organisation_id, superseded),
                now=now,
            )
        except IntegrityError:
            raise Changed("A colleague submitted this proposal at the same moment.") from None
    session.expire(proposal)
    add_event(session, proposal, EventKind.SUBMITTED, user.id, now, version=number)
    audit.record(
        session,
        actor,
        "expansion.submitted",
        proposal,
        now,
        version=number,
        ledger_seq=version.ledger_seq,
        document_sha256=version.document_sha256,
    )
    _tell(session, links, proposal, version, authority.id, now)
    session.commit()
    return version


def _tell(session: Session, links: Links, proposal: ExpansionProposal, version: ProposalVersion, host_id: int, now):
    reference = receipt_reference(_sealed(version.ledger_seq))
    la_link = links.url(LA_PAGE, proposal_id=proposal.id)
    what = f"version {version.version} of a proposal" if version.version > 1 else "a proposal"
    for named in named_contacts(session):
        hosting = named.local_authority_id == host_id
        queue_email(
            session,
            to=named.email,
            subject=(
                f"Expansion proposal to triage: {proposal.title} ({proposal.organisation.name})"
                if hosting
                else f"For information: expansion proposal in {version.document['hostLocalAuthority']['name']}"
            ),
            template="expansion_submitted",
            dedupe_key=f"expansion-submitted:{version.id}:{named.id}",
            now=now,
            proposal=proposal,
            version=version,
            hosting=hosting,
            what=what,
            link=la_link,
        )
    queue_email_to_each(
        session,
        signer_and_organisation_admins(session, proposal.organisation_id, _submitter(session, version)),
        subject=f"Your expansion proposal is submitted (receipt {reference})",
        template="expansion_receipt",
        dedupe_key=f"expansion-receipt:{version.id}",
        now=now,
        proposal=proposal,
        version=version,
        reference=reference,
        link=links.url(PROVIDER_PAGE, proposal_id=proposal.id),
    )


def _submitter(session: Session, version: ProposalVersion) -> User:
    submitter = session.get(User, version.submitted_by_id)
    assert submitter is not None  # a foreign key
    return submitter


def _sealed(ledger_seq: int | None) -> int:
    assert ledger_seq is not None  # set when the version is sealed, before anything reads it
    return ledger_seq


def start_revision(session: Session, user: User, proposal: ExpansionProposal, actor: Actor, now: datetime) -> None:
    """A new draft from the latest signed version (its answers), to be submitted as version n + 1."""
    latest = proposal.latest_version
    if latest is None or proposal.status not in OPEN:
        raise ExpansionError("Only a submitted proposal that is still open can be revised.")
    if proposal.draft is not None:
        return
    proposal.draft = {section: dict(answers) for section, answers in latest.document["answers"].items()}
    proposal.draft_lock += 1
    proposal.draft_updated_at = now
    proposal.draft_updated_by_id = user.id
    proposal.draft_saved = False
    add_event(session, proposal, EventKind.REVISION_STARTED, user.id, now, version=latest.version)
    audit.record(session, actor, "expansion.revision_started", proposal, now, version=latest.version)
    session.commit()


CLOSED = (ProposalStatus.WITHDRAWN, ProposalStatus.DECIDED)  # no longer to be withdrawn
NOT_WITHDRAWABLE = "This proposal can no longer be withdrawn."


def withdraw(session: Session, user: User, proposal: ExpansionProposal, actor: Actor, now: datetime) -> None:
    if proposal.status in CLOSED:
        raise ExpansionError(NOT_WITHDRAWABLE)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.draft = None
    add_event(session, proposal, EventKind.WITHDRAWN, user.id, now)
    audit.record(session, actor, "expansion.withdrawn", proposal, now)
    session.commit()


def receipt_bytes(session: Session, ledger_seq: int | None) -> bytes:
    """The DSSE envelope exactly as the ledger keeps it."""
    return receipt_envelope(session, ledger_seq)
