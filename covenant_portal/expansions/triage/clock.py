"""The first-response clock of a submitted version (working_days.py): due 10 working days after it
was submitted, paused while an information request waits for the provider's answer; its first
response is the first outcome recorded for it. One version at a time, or many at once in a fixed
number of queries (`first_responses`, `requests_of`) for lists of proposals."""

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.expansions.models import ExpansionProposal, InformationRequest, ProposalOutcome, ProposalVersion
from covenant_portal.expansions.proposals.submission import OPEN
from covenant_portal.filters import london_day
from covenant_portal.web.working_days import Clock, Pause, clock

FIRST_RESPONSE_DAYS = 10


def pause_of(asked: datetime, answered: datetime | None) -> Pause:
    return (london_day(asked), london_day(answered) if answered is not None else None)


def pauses(session: Session, version_id: int) -> list[Pause]:
    return [
        pause_of(asked, answered)
        for asked, answered in session.execute(
            select(InformationRequest.asked_at, InformationRequest.answered_at)
            .where(InformationRequest.version_id == version_id)
            .order_by(InformationRequest.asked_at)
        )
    ]


def first_response(session: Session, version_id: int) -> ProposalOutcome | None:
    return session.scalar(
        select(ProposalOutcome)
        .where(ProposalOutcome.version_id == version_id)
        .order_by(ProposalOutcome.decided_at, ProposalOutcome.id)
        .limit(1)
    )


def first_responses(session: Session, version_ids: Iterable[int]) -> dict[int, ProposalOutcome]:
    """`first_response` of each version that has one, by version id, in one query."""
    found: dict[int, ProposalOutcome] = {}
    for outcome in session.scalars(
        select(ProposalOutcome)
        .where(ProposalOutcome.version_id.in_(list(version_ids)))
        .order_by(ProposalOutcome.decided_at, ProposalOutcome.id)
    ):
        found.setdefault(outcome.version_id, outcome)
    return found


def requests_of(session: Session, version_ids: Iterable[int]) -> dict[int, list[InformationRequest]]:
    """Each version's information requests, as asked, by version id, in one query."""
    found: dict[int, list[InformationRequest]] = {}
    for request in session.scalars(
        select(InformationRequest)
        .where(InformationRequest.version_id.in_(list(version_ids)))
        .order_by(InformationRequest.asked_at, InformationRequest.id)
    ):
        found.setdefault(request.version_id, []).append(request)
    return found


def clock_of(session: Session, version: ProposalVersion, today: date, paused: list[Pause] | None = None) -> Clock:
    """The version's clock on `today`; `paused`: its pauses when already read (else read here)."""
    if paused is None:
        paused = pauses(session, version.id)
    return clock(london_day(version.submitted_at), FIRST_RESPONSE_DAYS, today, paused)


def open_request(session: Session, proposal: ExpansionProposal) -> InformationRequest | None:
    """The latest version's unanswered request (a revision submitted meanwhile leaves it behind), while
    the proposal is open: once decided or withdrawn, a question never answered waits for nothing."""
    version = proposal.latest_version
    if version is None or proposal.status not in OPEN:
        return None
    return session.scalar(
        select(InformationRequest).where(
            InformationRequest.version_id == version.id, InformationRequest.answered_at.is_(None)
        )
    )
