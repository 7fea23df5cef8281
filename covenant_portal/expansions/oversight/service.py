"""What those who oversee the covenant (admins, escalation officers) read of expansion proposals:
every submitted one (never a draft never submitted), the escalated first (5 working days past a
first response due, its clock running: `chasing.stage_reached`), then the overdue, then the rest;
filtered by host LA and status. Read only: only the host LA's contacts respond."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from covenant_portal.expansions.chasing.service import stage_reached
from covenant_portal.expansions.models import ExpansionProposal, ProposalOutcome, ProposalStatus, ProposalVersion
from covenant_portal.expansions.proposals.submission import OPEN
from covenant_portal.expansions.triage.service import clock_of, first_response
from covenant_portal.web.working_days import Clock

ESCALATED, OVERDUE = "escalated", "overdue"
# The statuses a submitted proposal can have, to filter by.
STATUSES = tuple(status for status in ProposalStatus if status != ProposalStatus.DRAFT)


@dataclass(frozen=True)
class Overseen:
    proposal: ExpansionProposal
    version: ProposalVersion
    responded: ProposalOutcome | None  # the latest version's first response
    clock: Clock | None  # while the latest version waits for its first response
    standing: str | None  # ESCALATED, OVERDUE or None

    @property
    def rank(self) -> int:
        return {ESCALATED: 0, OVERDUE: 1}.get(self.standing or "", 2)


def overseen(
    session: Session, today: date, local_authority_id: int | None = None, status: ProposalStatus | None = None
) -> list[Overseen]:
    query = (
        select(ExpansionProposal)
        .options(joinedload(ExpansionProposal.organisation), joinedload(ExpansionProposal.host_local_authority))
        .where(ExpansionProposal.status != ProposalStatus.DRAFT)
    )
    if local_authority_id is not None:
        query = query.where(ExpansionProposal.host_local_authority_id == local_authority_id)
    if status is not None:
        query = query.where(ExpansionProposal.status == status)
    found = [_standing(session, proposal, today) for proposal in session.scalars(query)]
    shown = [item for item in found if item is not None]
    # Escalated, then overdue, then the rest; those waiting by due date, the others newest first.
    return sorted(shown, key=lambda item: (item.rank, item.clock.due_on if item.clock else date.max, -item.proposal.id))


def _standing(session: Session, proposal: ExpansionProposal, today: date) -> Overseen | None:
    version = proposal.latest_version
    if version is None:
        return None  # withdrawn before it was ever submitted
    responded = first_response(session, version.id)
    if responded is not None or proposal.status not in OPEN:
        return Overseen(proposal, version, responded, None, None)
    running = clock_of(session, version, today)
    standing = None
    if not running.paused and stage_reached(running.working_days_left) == ESCALATED:
        standing = ESCALATED
    elif not running.paused and running.overdue:
        standing = OVERDUE
    return Overseen(proposal, version, None, running, standing)
