"""What every part of the expansions area shares: errors, the GM LAs, named contacts, the timeline
and London days."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from covenant_portal.accounts.models import LocalAuthority, User
from covenant_portal.contacts.models import LocalAuthorityNamedContact
from covenant_portal.accounts.service import signer_and_organisation_admins
from covenant_portal.expansions.models import EventKind, ExpansionProposal, ProposalEvent, ProposalVersion


class ExpansionError(ValueError):
    """Something that stops the change; the message is fit to show the user."""


class Invalid(Exception):
    """What was typed breaks the rules: messages by field name."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def gm_authorities(session: Session) -> list[LocalAuthority]:
    return list(
        session.scalars(
            select(LocalAuthority).where(LocalAuthority.is_greater_manchester.is_(True)).order_by(LocalAuthority.name)
        )
    )


def named_contacts(session: Session, local_authority_id: int | None = None) -> list[LocalAuthorityNamedContact]:
    """The current named contacts (of one LA, or of every LA) whose accounts are not deactivated."""
    query = (
        select(LocalAuthorityNamedContact)
        .join(LocalAuthorityNamedContact.user)
        .options(joinedload(LocalAuthorityNamedContact.user))
        .where(LocalAuthorityNamedContact.ended_at.is_(None), User.deactivated_at.is_(None))
        .order_by(LocalAuthorityNamedContact.id)
    )
    if local_authority_id is not None:
        query = query.where(LocalAuthorityNamedContact.local_authority_id == local_authority_id)
    return list(session.scalars(query))


def add_event(
    session: Session,
    proposal: ExpansionProposal,
    kind: EventKind,
    actor_id: int | None,
    now: datetime,
    text: str = "",
    version: int | None = None,
) -> ProposalEvent:
    event = ProposalEvent(
        proposal_id=proposal.id, kind=kind, occurred_at=now, actor_id=actor_id, text=text, version=version
    )
    session.add(event)
    return event


def timeline(session: Session, proposal_id: int) -> list[ProposalEvent]:
    return list(
        session.scalars(
            select(ProposalEvent)
            .options(joinedload(ProposalEvent.actor))
            .where(ProposalEvent.proposal_id == proposal_id)
            .order_by(ProposalEvent.occurred_at, ProposalEvent.id)
        )
    )


def details(**values: Any) -> dict:
    return {key: value for key, value in values.items() if value is not None}


def host_of(proposal: ExpansionProposal) -> LocalAuthority:
    """The host LA of a submitted proposal (set when its first version is submitted)."""
    assert proposal.host_local_authority is not None, "a submitted proposal has a host LA"
    return proposal.host_local_authority


def latest_of(proposal: ExpansionProposal) -> ProposalVersion:
    version = proposal.latest_version
    assert version is not None, "a submitted proposal has a signed version"
    return version


def provider_recipients(session: Session, proposal: ExpansionProposal) -> list[tuple[int, str]]:
    """(user id, email) of whoever submitted the latest version and of the organisation's admins."""
    submitter = session.get(User, latest_of(proposal).submitted_by_id)
    assert submitter is not None  # a foreign key
    return signer_and_organisation_admins(session, proposal.organisation_id, submitter)
