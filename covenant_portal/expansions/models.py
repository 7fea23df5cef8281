"""Planned expansions (issue 12): LAs' needs statements, providers' proposals (a draft, then signed
versions), the host LA's triage (information requests, outcomes) and the proposal's timeline."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.db import Base, str_enum, utcnow


class NeedCategory(StrEnum):
    EMOTIONAL_BEHAVIOURAL = "emotional_behavioural"
    MENTAL_HEALTH = "mental_health"
    DISABILITIES = "disabilities"
    SOLE_OCCUPANCY = "sole_occupancy"
    PARENT_AND_CHILD = "parent_and_child"
    SUPPORTED_16_17 = "supported_16_17"
    FOSTERING = "fostering"
    OTHER = "other"

    @property
    def label(self) -> str:
        return NEED_CATEGORY_LABELS[self]


NEED_CATEGORY_LABELS = {
    NeedCategory.EMOTIONAL_BEHAVIOURAL: "Emotional and behavioural difficulties",
    NeedCategory.MENTAL_HEALTH: "Mental health / complex care",
    NeedCategory.DISABILITIES: "Disabilities",
    NeedCategory.SOLE_OCCUPANCY: "Sole occupancy",
    NeedCategory.PARENT_AND_CHILD: "Parent and child",
    NeedCategory.SUPPORTED_16_17: "Supported accommodation for 16–17s",
    NeedCategory.FOSTERING: "Fostering",
    NeedCategory.OTHER: "Other",
}


class NeedPriority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class NeedsStatement(Base):
    """A service an LA says is in explicit need of development. Edited in place (audited)."""

    __tablename__ = "expansion_need"
    __table_args__ = (
        sa.CheckConstraint("places_wanted >= 1", name="places_wanted_positive"),
        sa.CheckConstraint("age_from >= 0 AND age_to <= 25 AND age_from <= age_to", name="age_range_sound"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    local_authority_id: Mapped[int] = mapped_column(sa.ForeignKey("local_authority.id"), index=True)
    category: Mapped[NeedCategory] = mapped_column(str_enum(NeedCategory))
    age_from: Mapped[int]
    age_to: Mapped[int]
    places_wanted: Mapped[int]
    priority: Mapped[NeedPriority] = mapped_column(str_enum(NeedPriority))
    area: Mapped[str] = mapped_column(sa.String(200), default="")  # ward or district, where relevant
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    review_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    withdrawn_at: Mapped[datetime | None]

    local_authority: Mapped[LocalAuthority] = relationship()

    def review_passed(self, today: date) -> bool:
        return self.review_on < today


class ProposalStatus(StrEnum):
    DRAFT = "draft"  # never submitted
    AWAITING_TRIAGE = "awaiting_triage"  # submitted, no response yet (perhaps taken)
    INFORMATION_REQUESTED = "information_requested"
    DISCUSSING = "discussing"  # the host LA answered "Discuss further"
    DECIDED = "decided"  # supported (in any way) or not supported
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return PROPOSAL_STATUS_LABELS[self]


PROPOSAL_STATUS_LABELS = {
    ProposalStatus.DRAFT: "Draft",
    ProposalStatus.AWAITING_TRIAGE: "Awaiting a response",
    ProposalStatus.INFORMATION_REQUESTED: "Information requested",
    ProposalStatus.DISCUSSING: "Discuss further",
    ProposalStatus.DECIDED: "Decided",
    ProposalStatus.WITHDRAWN: "Withdrawn",
}


class ExpansionProposal(Base):
    """A provider's proposed expansion in one host LA: its working draft (JSON, saved section by
    section under `draft_lock`), its signed versions and where its triage stands."""

    __tablename__ = "expansion_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_organisation.id"), index=True)
    host_local_authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("local_authority.id"), index=True)
    status: Mapped[ProposalStatus] = mapped_column(str_enum(ProposalStatus), default=ProposalStatus.DRAFT)
    title: Mapped[str] = mapped_column(sa.String(200))
    draft: Mapped[dict | None] = mapped_column(sa.JSON)
    draft_lock: Mapped[int] = mapped_column(default=1)
    draft_updated_at: Mapped[datetime | None]
    draft_updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # False from when the draft (or a revision's) is started until its first save: until then
    # draft_updated_at/by say when and by whom it was started ("Started on …", not "Last saved …").
    draft_saved: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    taken_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    taken_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    organisation: Mapped[ProviderOrganisation] = relationship()
    host_local_authority: Mapped[LocalAuthority | None] = relationship()
    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id])
    draft_updated_by: Mapped[User | None] = relationship(foreign_keys=[draft_updated_by_id])
    versions: Mapped[list["ProposalVersion"]] = relationship(
        back_populates="proposal", order_by="ProposalVersion.version"
    )

    @property
    def latest_version(self) -> "ProposalVersion | None":
        return self.versions[-1] if self.versions else None


class ProposalVersion(Base):
    """A signed version of a proposal: immutable, sealed in the ledger (kind expansion_proposal)."""

    __tablename__ = "expansion_proposal_version"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "version", name="one_proposal_version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("expansion_proposal.id"), index=True)
    version: Mapped[int]
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("expansion_proposal_version.id"))
    document: Mapped[dict] = mapped_column(sa.JSON)
    document_sha256: Mapped[str] = mapped_column(sa.String(64))
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    submitted_by_name: Mapped[str] = mapped_column(sa.String(200))
    submitted_by_email: Mapped[str] = mapped_column(sa.String(320))
    submitted_at: Mapped[datetime]
    ledger_seq: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_entry.seq"), unique=True)

    proposal: Mapped[ExpansionProposal] = relationship(back_populates="versions")
    supersedes: Mapped["ProposalVersion | None"] = relationship(remote_side=[id])


class InformationRequest(Base):
    """The host LA asking the provider for more: the first-response clock pauses until answered."""

    __tablename__ = "expansion_information_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("expansion_proposal.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("expansion_proposal_version.id"))
    question: Mapped[str] = mapped_column(sa.Text)
    asked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    asked_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None]

    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])


class Outcome(StrEnum):
    SUPPORTED = "supported"
    SUPPORTED_WITH_CONDITIONS = "supported_with_conditions"
    SUPPORTED_URGENT_NEED = "supported_urgent_need"
    NOT_SUPPORTED = "not_supported"
    DISCUSS_FURTHER = "discuss_further"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @property
    def decides(self) -> bool:
        return self is not Outcome.DISCUSS_FURTHER


OUTCOME_LABELS = {
    Outcome.SUPPORTED: "Supported",
    Outcome.SUPPORTED_WITH_CONDITIONS: "Supported with conditions",
    Outcome.SUPPORTED_URGENT_NEED: "Supported – meets an identified urgent sufficiency need",
    Outcome.NOT_SUPPORTED: "Not supported",
    Outcome.DISCUSS_FURTHER: "Discuss further",
}


class ProposalOutcome(Base):
    """The host LA's response to a signed version: sealed in the ledger (kind expansion_outcome),
    citing the version's document digest."""

    __tablename__ = "expansion_outcome"
    __table_args__ = (
        sa.CheckConstraint(
            "(outcome = 'discuss_further') = (meeting_on IS NOT NULL)", name="meeting_date_for_discussion"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("expansion_proposal.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("expansion_proposal_version.id"), index=True)
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome))
    details: Mapped[str] = mapped_column(sa.Text, default="")  # the conditions, the reason, or notes
    meeting_on: Mapped[date | None]
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_by_name: Mapped[str] = mapped_column(sa.String(200))
    local_authority_id: Mapped[int] = mapped_column(sa.ForeignKey("local_authority.id"))
    decided_at: Mapped[datetime]
    ledger_seq: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_entry.seq"), unique=True)

    version: Mapped[ProposalVersion] = relationship()
    local_authority: Mapped[LocalAuthority] = relationship()


class EventKind(StrEnum):
    SUBMITTED = "submitted"
    TAKEN = "taken"
    INFORMATION_REQUESTED = "information_requested"
    INFORMATION_GIVEN = "information_given"
    OUTCOME = "outcome"
    MESSAGE = "message"
    COMMENT = "comment"
    WITHDRAWN = "withdrawn"
    REVISION_STARTED = "revision_started"


class ProposalEvent(Base):
    """One thing that happened to a proposal, in order: its timeline (messages and comments too)."""

    __tablename__ = "expansion_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("expansion_proposal.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    occurred_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    version: Mapped[int | None]
    text: Mapped[str] = mapped_column(sa.Text, default="")

    actor: Mapped[User | None] = relationship()


class ExpansionReminder(Base):
    """A chase sent (chasing/service.py): one row per (version, stage), ever, so each email goes once.
    Stages: due_in_2_days, due_today, escalated, and information:<request id> for providers."""

    __tablename__ = "expansion_reminder"
    __table_args__ = (sa.UniqueConstraint("version_id", "stage", name="one_expansion_reminder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("expansion_proposal.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("expansion_proposal_version.id"))
    stage: Mapped[str] = mapped_column(sa.String(40))
    sent_at: Mapped[datetime]
