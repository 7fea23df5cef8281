"""What those who oversee the covenant (admins, escalation officers) read of expansion proposals:
every submitted one (never a draft never submitted), the escalated first (5 working days past a
first response due, its clock running: `chasing.Waiting.escalated`), then the overdue, then the rest;
filtered by host LA and status. Read only: only the host LA's contacts respond."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from covenant_portal.expansions.chasing.service import Waiting, waiting
from covenant_portal.expansions.models import ExpansionProposal, ProposalOutcome, ProposalStatus, ProposalVersion
from covenant_portal.expansions.proposals.submission import OPEN
from covenant_portal.expansions.triage.clock import first_responses
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
        .options(
            selectinload(ExpansionProposal.versions),
            joinedload(ExpansionProposal.organisation),
            joinedload(ExpansionProposal.host_local_authority),
        )
        .where(ExpansionProposal.status != ProposalStatus.DRAFT)
    )
    if local_authority_id is not None:
        query = query.where(ExpansionProposal.host_local_authority_id == local_authority_id)
    if status is not None:
        query = query.where(ExpansionProposal.status == status)
    proposals = list(session.scalars(query))
    responded = first_responses(session, [p.latest_version.id for p in proposals if p.latest_version is not None])
    pending = {
        item.proposal.id: item
        for item in waiting(session, [p for p in proposals if p.status in OPEN], today, responded)
    }
    shown = [_standing(proposal, responded, pending) for proposal in proposals if proposal.latest_version is not None]
    # Escalated, then overdue, then the rest; those waiting by due date, the others newest first.
    return sorted(shown, key=lambda item: (item.rank, item.clock.due_on if item.clock else date.max, -item.proposal.id))


def _standing(
    proposal: ExpansionProposal, responded: dict[int, ProposalOutcome], pending: dict[int, Waiting]
) -> Overseen:
    version = proposal.latest_version
    assert version is not None  # withdrawn before it was ever submitted: not shown
    item = pending.get(proposal.id)
    if item is None:
        return Overseen(proposal, version, responded.get(version.id), None, None)
    standing = None
    if item.escalated:
        standing = ESCALATED
    elif item.request is None and item.clock.overdue:
        standing = OVERDUE
    return Overseen(proposal, version, None, item.clock, standing)
