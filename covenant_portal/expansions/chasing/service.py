"""Chasing first responses: the daily `chase_expansion_responses` job.

For each open proposal version with no first response, on the run's London day, its clock
(triage/clock.py, pauses included) gives the stage reached:

    2 working days left or fewer   due_in_2_days   reminder to the host LA's named contacts
    due today or overdue           due_today       reminder, the same people
    5 working days overdue         escalated       email to every active portal admin

While the clock is paused (information requested) nothing is sent to the LA; instead, once an
information request has gone 5 working days unanswered, the provider is reminded (stage
information:<request id>), once.

Each run sends, per version, the latest stage reached if neither it nor a later stage was sent, so
a job that missed days catches up with one email per person. Exactly once: an ExpansionReminder row
per (version, stage) under a unique constraint, inserted in the same transaction as its outbox
emails (dedupe key expansion-reminder:<version>:<stage>:<address>); a second run, a replay with
--as-of or two schedulers at once send each email once."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from covenant_portal import audit
from covenant_portal.accounts.models import User, can_sign_in
from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM
from covenant_portal.expansions.common import host_of, named_contacts, provider_recipients
from covenant_portal.filters import london_day
from covenant_portal.expansions.models import (
    ExpansionProposal,
    ExpansionReminder,
    InformationRequest,
    ProposalOutcome,
    ProposalStatus,
    ProposalVersion,
)
from covenant_portal.expansions.proposals.submission import LA_PAGE, PROVIDER_PAGE
from covenant_portal.expansions.triage.clock import clock_of, first_responses, pause_of, requests_of
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_email_to_each
from covenant_portal.web.working_days import Clock, working_days_between

LA_STAGES = ("due_in_2_days", "due_today", "escalated")
ESCALATE_AFTER = 5
REMIND_PROVIDER_AFTER = 5


def stage_reached(working_days_left: int) -> str | None:
    if working_days_left <= -ESCALATE_AFTER:
        return "escalated"
    if working_days_left <= 0:
        return "due_today"
    if working_days_left <= 2:
        return "due_in_2_days"
    return None


@dataclass(frozen=True)
class Due:
    """A reminder or escalation a run on that day sends (unless one is sent meanwhile)."""

    proposal: ExpansionProposal
    version: ProposalVersion
    stage: str
    clock: Clock | None = None


@dataclass(frozen=True)
class Waiting:
    """An open proposal's latest version waiting for its first response, as it stands on a day."""

    proposal: ExpansionProposal
    version: ProposalVersion
    request: InformationRequest | None  # the provider's unanswered information request, if any
    clock: Clock

    @property
    def stage(self) -> str | None:
        """The LA stage reached (`stage_reached`); none while the provider is asked for information."""
        return None if self.request is not None else stage_reached(self.clock.working_days_left)

    @property
    def escalated(self) -> bool:
        """No first response 5 working days after it was due, its clock running."""
        return self.stage == "escalated"


def waiting(
    session: Session,
    proposals: Iterable[ExpansionProposal],
    today: date,
    responded: dict[int, ProposalOutcome] | None = None,
) -> list[Waiting]:
    """Of `proposals` (their versions loaded), the latest versions with no first response, on London
    day `today`, in a fixed number of queries whatever their number; `responded`: the versions'
    `first_responses` when already read."""
    versions = [(proposal, proposal.latest_version) for proposal in proposals]
    latest = [(proposal, version) for proposal, version in versions if version is not None]
    if responded is None:
        responded = first_responses(session, [version.id for _, version in latest])
    unanswered = [(proposal, version) for proposal, version in latest if version.id not in responded]
    requests = requests_of(session, [version.id for _, version in unanswered])
    found = []
    for proposal, version in unanswered:
        asked = requests.get(version.id, [])
        request = next((each for each in asked if each.answered_at is None), None)
        paused = [pause_of(each.asked_at, each.answered_at) for each in asked]
        found.append(Waiting(proposal, version, request, clock_of(session, version, today, paused)))
    return found


def due_on(session: Session, today: date) -> list[Due]:
    """What a run on London day `today` sends: for each open version without a first response, the
    provider's reminder of an information request unanswered for 5 working days, or the latest LA
    stage reached if neither it nor a later one was sent."""
    pending = waiting(session, _open(session), today)
    sent: dict[int, set[str]] = {}
    for version_id, stage in session.execute(
        select(ExpansionReminder.version_id, ExpansionReminder.stage).where(
            ExpansionReminder.version_id.in_([item.version.id for item in pending])
        )
    ):
        sent.setdefault(version_id, set()).add(stage)
    found = []
    for item in pending:
        done = sent.get(item.version.id, set())
        if item.request is not None:
            waited = working_days_between(london_day(item.request.asked_at), today)
            if waited >= REMIND_PROVIDER_AFTER and f"information:{item.request.id}" not in done:
                found.append(Due(item.proposal, item.version, f"information:{item.request.id}"))
            continue
        reached = item.stage
        if reached is not None and not done & set(LA_STAGES[LA_STAGES.index(reached) :]):
            found.append(Due(item.proposal, item.version, reached, item.clock))
    return found


def escalated(session: Session, today: date) -> list[Due]:
    """The open versions whose host LA has given no first response 5 working days after it was due
    (clock running: not while the provider is asked for information), on London day `today`."""
    return [
        Due(item.proposal, item.version, "escalated", item.clock)
        for item in waiting(session, _open(session), today)
        if item.escalated
    ]


def _open(session: Session) -> list[ExpansionProposal]:
    return list(
        session.scalars(
            select(ExpansionProposal)
            .options(
                selectinload(ExpansionProposal.versions),
                joinedload(ExpansionProposal.organisation),
                joinedload(ExpansionProposal.host_local_authority),
            )
            .where(ExpansionProposal.status.in_([ProposalStatus.AWAITING_TRIAGE, ProposalStatus.INFORMATION_REQUESTED]))
            .order_by(ExpansionProposal.id)
        )
    )


def chase(session: Session, links: Links, as_of: datetime) -> str:
    sent = sum(
        _send(session, links, due.proposal, due.version, due.stage, as_of, clock=due.clock)
        for due in due_on(session, london_day(as_of))
    )
    return f"Expansion proposals chased: {sent}."


def _send(session: Session, links: Links, proposal, version, stage: str, as_of: datetime, clock=None) -> int:
    try:
        with session.begin_nested():
            reminder = ExpansionReminder(proposal_id=proposal.id, version_id=version.id, stage=stage, sent_at=as_of)
            session.add(reminder)
            session.flush()
    except IntegrityError:
        return 0
    queue_email_to_each(
        session,
        ((address, address) for address in _recipients(session, proposal, version, stage)),
        subject=_subject(proposal, stage),
        template="expansion_reminder",
        dedupe_key=f"expansion-reminder:{version.id}:{stage}",
        now=as_of,
        proposal=proposal,
        stage=stage.split(":")[0],
        clock=clock,
        link=links.url(PROVIDER_PAGE if stage.startswith("information") else LA_PAGE, proposal_id=proposal.id),
    )
    audit.record(session, SYSTEM, "expansion.chased", reminder, as_of, proposal_id=proposal.id, stage=stage)
    session.commit()
    return 1


def _recipients(session: Session, proposal, version, stage: str) -> list[str]:
    if stage.startswith("information"):
        return [address for _id, address in provider_recipients(session, proposal)]
    if stage == "escalated":
        return list(
            session.scalars(select(User.email).where(User.role == Role.ADMIN, *can_sign_in()).order_by(User.id))
        )
    return sorted({named.email for named in named_contacts(session, proposal.host_local_authority_id)})


def _subject(proposal, stage: str) -> str:
    if stage.startswith("information"):
        return f"Reminder: the local authority is waiting for your answer on {proposal.title}"
    if stage == "escalated":
        return f"Escalated: no first response to an expansion proposal in {host_of(proposal).name}"
    if stage == "due_today":
        return f"First response due: expansion proposal {proposal.title}"
    return f"First response due in 2 working days: expansion proposal {proposal.title}"
