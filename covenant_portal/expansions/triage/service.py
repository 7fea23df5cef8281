"""The host LA's triage of a submitted proposal, on a working-day clock (working_days.py): a first
response is due 10 working days after the version was submitted; an information request pauses the
clock from the day it is asked to the day the provider answers. The first response is the first
outcome recorded for the version. Only the host LA's contacts decide; every GM LA's contacts read
and comment; the provider and the host LA exchange messages."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from covenant_portal import audit
from covenant_portal.access import Role
from covenant_portal.accounts.models import User
from covenant_portal.audit.service import Actor
from covenant_portal.contacts.models import LocalAuthorityNamedContact
from covenant_portal.db import next_id
from covenant_portal.expansions.chasing import service as chasing
from covenant_portal.expansions.common import (
    ExpansionError,
    Invalid,
    add_event,
    host_of,
    latest_of,
    named_contacts,
    provider_recipients,
)
from covenant_portal.filters import london_day
from covenant_portal.expansions.models import (
    EventKind,
    ExpansionProposal,
    InformationRequest,
    Outcome,
    ProposalOutcome,
    ProposalStatus,
    ProposalVersion,
)
from covenant_portal.expansions.proposals.submission import LA_PAGE, OPEN, PROVIDER_PAGE
from covenant_portal.expansions.triage.clock import clock_of as clock_of  # one version's, the pages' triage.clock_of
from covenant_portal.expansions.triage.clock import first_response as first_response  # and triage.first_response
from covenant_portal.expansions.triage.clock import open_request
from covenant_portal.expansions.triage.records import EXPANSION_OUTCOME, document_of, predicate_for, subject_name_for
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_email_to_each
from covenant_portal.signing.canonical import canonical_sha256
from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.signing.retired_keys import sign_or_refuse
from covenant_portal.signing.stored_records import seal_record
from covenant_portal.web.identifiers import identifying_data_problem
from covenant_portal.web.stale import ChangedMeanwhile, check_seen, lock, version_of
from covenant_portal.web.working_days import Clock

LONGEST_TEXT = 2000


# Who may see and do what


def is_host_contact(user: User, proposal: ExpansionProposal) -> bool:
    return user.role == Role.LA_CONTACT and user.local_authority_id == proposal.host_local_authority_id


def contacts_to_ask(session: Session, viewer: User, proposal: ExpansionProposal) -> list[LocalAuthorityNamedContact]:
    """Whom the proposal's page tells `viewer` to ask for the host LA's response: its named contacts,
    for those who oversee (admins, escalation officers); none for an LA contact (the host's own
    contacts respond; another LA's are told only the host's contacts can)."""
    if viewer.role == Role.LA_CONTACT:
        return []
    return named_contacts(session, proposal.host_local_authority_id)


def proposal_for_la(session: Session, user: User, proposal_id: int) -> ExpansionProposal | None:
    """A submitted proposal, for a GM LA's contact or an overseer (never a draft never submitted)."""
    if user.role == Role.LA_CONTACT and not (user.local_authority and user.local_authority.is_greater_manchester):
        return None
    proposal = session.get(ExpansionProposal, proposal_id)
    if proposal is None or not proposal.versions:
        return None
    return proposal


# The queue


@dataclass(frozen=True)
class Queued:
    proposal: ExpansionProposal
    version: ProposalVersion
    clock: Clock


def queue(session: Session, local_authority_id: int, today: date) -> list[Queued]:
    """The host LA's proposals awaiting a first response, what is due first at the top, read in a
    fixed number of queries however many there are (`chasing.waiting`, the chase's own reading)."""
    proposals = session.scalars(
        select(ExpansionProposal)
        .options(
            selectinload(ExpansionProposal.versions),
            joinedload(ExpansionProposal.organisation),  # the queue's rows name the provider
            joinedload(ExpansionProposal.taken_by),  # and who has taken each
        )
        .where(
            ExpansionProposal.host_local_authority_id == local_authority_id,
            ExpansionProposal.status.in_([ProposalStatus.AWAITING_TRIAGE, ProposalStatus.INFORMATION_REQUESTED]),
        )
    )
    waiting = [Queued(item.proposal, item.version, item.clock) for item in chasing.waiting(session, proposals, today)]
    return sorted(waiting, key=lambda queued: (queued.clock.due_on, queued.proposal.id))


def responded(session: Session, local_authority_id: int) -> list[ExpansionProposal]:
    return list(
        session.scalars(
            select(ExpansionProposal)
            .where(
                ExpansionProposal.host_local_authority_id == local_authority_id,
                ExpansionProposal.status.not_in([ProposalStatus.DRAFT]),
            )
            .order_by(ExpansionProposal.id.desc())
        )
    )


def responses_version(session: Session, proposal_id: int) -> str:
    """The version of the proposal's responses a response page shows (web/stale.py)."""
    return version_of([outcome.id for outcome in outcomes_of(session, proposal_id)])


def outcomes_of(session: Session, proposal_id: int) -> list[ProposalOutcome]:
    return list(
        session.scalars(
            select(ProposalOutcome).where(ProposalOutcome.proposal_id == proposal_id).order_by(ProposalOutcome.id)
        )
    )


# Acting

NO_LONGER_OPEN = "This proposal is no longer open."


def _must_host(user: User, proposal: ExpansionProposal) -> None:
    if not is_host_contact(user, proposal):
        raise ExpansionError(f"Only {host_of(proposal).name}’s contacts can do this.")
    if proposal.status not in OPEN:
        raise ExpansionError(NO_LONGER_OPEN)


def _text(name: str, text: str, label: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Invalid({name: f"Enter {label}"})
    if len(text) > LONGEST_TEXT:
        raise Invalid({name: f"{label[0].upper()}{label[1:]} must be {LONGEST_TEXT} characters or fewer"})
    if problem := identifying_data_problem(text):
        raise Invalid({name: problem})
    return text


def take(session: Session, user: User, proposal: ExpansionProposal, actor: Actor, now: datetime) -> None:
    _must_host(user, proposal)
    lock(session, proposal)  # a second tab's take, sent at the same moment, waits and finds it taken
    if proposal.taken_by_id == user.id:  # taken already, from another tab
        raise ExpansionError("Nothing was changed: you have already taken this proposal.")
    proposal.taken_by_id = user.id
    proposal.taken_at = now
    add_event(session, proposal, EventKind.TAKEN, user.id, now)
    audit.record(session, actor, "expansion.taken", proposal, now)
    session.commit()


def request_information(
    session: Session, links: Links, user: User, proposal: ExpansionProposal, question: str, actor: Actor, now
) -> InformationRequest:
    _must_host(user, proposal)
    question = _text("question", question, "what you need to know")
    if open_request(session, proposal) is not None:
        raise ExpansionError("The provider has not yet answered the last request for information.")
    request = InformationRequest(
        proposal_id=proposal.id,
        version_id=latest_of(proposal).id,
        question=question,
        asked_by_id=user.id,
        asked_at=now,
    )
    session.add(request)
    if proposal.status == ProposalStatus.AWAITING_TRIAGE:
        proposal.status = ProposalStatus.INFORMATION_REQUESTED
    session.flush()
    add_event(session, proposal, EventKind.INFORMATION_REQUESTED, user.id, now, question)
    audit.record(session, actor, "expansion.information_requested", proposal, now, request_id=request.id)
    _tell_provider(
        session, links, proposal, f"info-requested:{request.id}", "More information asked for", question, now
    )
    session.commit()
    return request


def answer_information(
    session: Session, links: Links, user: User, proposal: ExpansionProposal, answer: str, actor: Actor, now
) -> None:
    if user.organisation_id != proposal.organisation_id:
        raise ExpansionError("Only the provider can answer.")
    request = open_request(session, proposal)
    if request is None:
        raise ExpansionError("There is no open request for information.")
    request.answer = _text("answer", answer, "your answer")
    request.answered_by_id = user.id
    request.answered_at = now
    if proposal.status == ProposalStatus.INFORMATION_REQUESTED:
        proposal.status = ProposalStatus.AWAITING_TRIAGE
    add_event(session, proposal, EventKind.INFORMATION_GIVEN, user.id, now, request.answer)
    audit.record(session, actor, "expansion.information_given", proposal, now, request_id=request.id)
    _tell_host(
        session, links, proposal, f"info-given:{request.id}", "The provider answered your request", request.answer, now
    )
    session.commit()


def post_message(
    session: Session, links: Links, user: User, proposal: ExpansionProposal, text: str, actor: Actor, now
) -> None:
    """A message (provider or host LA) or a comment (another GM LA's contact) on the proposal."""
    text = _text("text", text, "your message")
    if user.role == Role.PROVIDER and user.organisation_id != proposal.organisation_id:
        raise ExpansionError("Only the provider can write here.")
    if user.role not in (Role.PROVIDER, Role.LA_CONTACT):
        raise ExpansionError("Only the provider and GM local authority contacts can write here.")
    kind = (
        EventKind.COMMENT if user.role == Role.LA_CONTACT and not is_host_contact(user, proposal) else EventKind.MESSAGE
    )
    event = add_event(session, proposal, kind, user.id, now, text)
    session.flush()
    audit.record(session, actor, f"expansion.{kind.value}_posted", proposal, now, event_id=event.id)
    who = user.local_authority.name if user.local_authority is not None else proposal.organisation.name
    subject = f"{'Comment' if kind == EventKind.COMMENT else 'Message'} from {who}"
    if user.role == Role.PROVIDER:
        _tell_host(session, links, proposal, f"message:{event.id}", subject, text, now)
    else:
        _tell_provider(session, links, proposal, f"message:{event.id}", subject, text, now)
    session.commit()


@dataclass(frozen=True)
class OutcomeInput:
    outcome: str
    details: str
    meeting_on: date | None


def outcome_problems(typed: OutcomeInput, now: datetime) -> dict[str, str]:
    """Messages by field for a response as typed; a meeting cannot be before today (London)."""
    if typed.outcome not in set(Outcome):
        return {"outcome": "Choose the outcome"}
    outcome = Outcome(typed.outcome)
    needs = {
        Outcome.SUPPORTED_WITH_CONDITIONS: ("details", "the conditions"),
        Outcome.NOT_SUPPORTED: ("details", "the reason it is not supported"),
    }
    problems = {}
    if outcome in needs and not typed.details.strip():
        problems["details"] = f"Enter {needs[outcome][1]}"
    elif typed.details.strip():
        try:
            _text("details", typed.details, "the details")
        except Invalid as invalid:
            problems.update(invalid.errors)
    if outcome == Outcome.DISCUSS_FURTHER and typed.meeting_on is None:
        problems["meeting_on"] = "Enter the date of the meeting"
    elif outcome == Outcome.DISCUSS_FURTHER and typed.meeting_on is not None and typed.meeting_on < london_day(now):
        problems["meeting_on"] = "The meeting date must be today or in the future"
    return problems


def record_outcome(
    session: Session,
    links: Links,
    current_key: Callable[[], PortalKey],
    user: User,
    proposal: ExpansionProposal,
    typed: OutcomeInput,
    actor: Actor,
    now: datetime,
    seen: str | None = None,
) -> ProposalOutcome:
    """Signs the host LA's response to the latest version. `seen`, the `responses_version` the
    person's page showed, refuses a response sent again from a second tab, or after a colleague
    responded meanwhile (None: not checked), compared under the proposal's write lock."""
    _must_host(user, proposal)
    lock(session, proposal)
    detail = "A response was recorded on it after you opened the response page: read it, then respond again if need be."
    check_seen(seen, responses_version(session, proposal.id), ChangedMeanwhile("proposal", detail=detail))
    if problems := outcome_problems(typed, now):
        raise Invalid(problems)
    return sign_or_refuse(
        session,
        current_key,
        lambda key: _record(session, links, key, user, proposal, typed, actor, now),
        lambda: ExpansionError("The portal’s signing key has just been changed. Nothing was recorded: try again."),
        "expansion outcome recording",
    )


def _record(session, links, key, user, proposal, typed: OutcomeInput, actor, now) -> ProposalOutcome:
    version = latest_of(proposal)
    outcome = Outcome(typed.outcome)
    row = ProposalOutcome(
        id=next_id(session, ProposalOutcome),
        proposal_id=proposal.id,
        version_id=version.id,
        outcome=outcome,
        details=typed.details.strip(),
        meeting_on=typed.meeting_on if outcome == Outcome.DISCUSS_FURTHER else None,
        decided_by_id=user.id,
        decided_by_name=user.full_name,
        local_authority_id=proposal.host_local_authority_id,
        decided_at=now,
    )
    authority = host_of(proposal)
    document = document_of(row, version.version, version.document_sha256, authority.ons_code, authority.name)
    with session.begin_nested():
        entry = seal_record(
            session,
            key,
            EXPANSION_OUTCOME,
            row,
            subject_name=subject_name_for(row.id),
            subject_sha256=canonical_sha256(document),
            predicate=predicate_for(document),
            now=now,
        )
    proposal.status = ProposalStatus.DECIDED if outcome.decides else ProposalStatus.DISCUSSING
    add_event(session, proposal, EventKind.OUTCOME, user.id, now, outcome.label, version=version.version)
    audit.record(
        session, actor, "expansion.outcome_recorded", proposal, now, outcome=outcome.value, ledger_seq=entry.seq
    )
    _tell_provider(
        session,
        links,
        proposal,
        f"outcome:{row.id}",
        f"{authority.name}’s response: {outcome.label}",
        row.details,
        now,
        letter=links.url("expansion_triage.letter", proposal_id=proposal.id, outcome_id=row.id),
    )
    session.commit()
    return row


# Emails


def _tell_provider(session, links: Links, proposal, key: str, subject: str, text: str, now, letter: str = "") -> None:
    recipients = provider_recipients(session, proposal)
    _tell(session, links, proposal, recipients, PROVIDER_PAGE, key, subject, text, now, letter)


def _tell_host(session, links: Links, proposal, key: str, subject: str, text: str, now) -> None:
    named = named_contacts(session, proposal.host_local_authority_id)
    # "la<id>": an LA contact's key, apart from the provider users' (by user id) of the same update
    recipients = [(f"la{contact.id}", contact.email) for contact in named]
    _tell(session, links, proposal, recipients, LA_PAGE, key, subject, text, now, "")


def _tell(session, links: Links, proposal, recipients, page: str, key: str, subject: str, text: str, now, letter: str):
    """An update on the proposal, by email, to each (who, address) of one side, linking to its page."""
    queue_email_to_each(
        session,
        recipients,
        subject=f"{subject}: {proposal.title}",
        template="expansion_update",
        dedupe_key=f"expansion-{key}",
        now=now,
        proposal=proposal,
        text=text,
        letter=letter,
        link=links.url(page, proposal_id=proposal.id),
    )
