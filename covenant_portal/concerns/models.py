"""A concern, its timeline (every step, message, extension and reopening) and its learning actions."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.db import Base, str_enum, utcnow


class Category(StrEnum):
    REFERRAL_INFORMATION = "referral_information"
    PLACEMENT_PLANNING = "placement_planning"
    PLACEMENT_STABILITY = "placement_stability"
    PAPERWORK = "paperwork"
    EDUCATION = "education"
    COMMUNICATION = "communication"
    QUALITY_OF_CARE = "quality_of_care"
    SAFEGUARDING_PRACTICE = "safeguarding_practice"
    OTHER = "other"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Side(StrEnum):
    """A party to a concern: a provider organisation or a local authority."""

    PROVIDER = "provider"
    LOCAL_AUTHORITY = "local_authority"


class Stage(StrEnum):
    LOGGED = "logged"
    ACKNOWLEDGED = "acknowledged"
    RESOLUTION_PROPOSED = "resolution_proposed"
    RESOLVED = "resolved"
    LEARNING_ARRANGED = "learning_arranged"
    LEARNING_HELD = "learning_held"
    LEARNING_RECORDED = "learning_recorded"
    CLOSED = "closed"


class LearningResponse(StrEnum):
    """Proportionate learning responses, as in the NHS Patient Safety Incident Response Framework."""

    HUDDLE = "huddle"
    AFTER_ACTION_REVIEW = "after_action_review"
    ROUND_TABLE_REVIEW = "round_table_review"
    JOINT_MEETING = "joint_meeting"


class EventKind(StrEnum):
    LOGGED = "logged"
    ACKNOWLEDGED = "acknowledged"
    RESOLUTION_PROPOSED = "resolution_proposed"
    RESOLVED = "resolved"
    LEARNING_ARRANGED = "learning_arranged"
    LEARNING_HELD = "learning_held"
    LEARNING_RECORDED = "learning_recorded"
    CLOSED = "closed"
    REOPENED = "reopened"
    MESSAGE = "message"
    EXTENDED = "extended"
    DUTY_MET = "duty_met"
    ACTION_DONE = "action_done"


class Timer(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    RESOLUTION = "resolution"
    LEARNING = "learning"


STAGES = tuple(Stage)


def _values(enum: type[StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class Concern(Base):
    __tablename__ = "concern"
    __table_args__ = (
        sa.CheckConstraint(f"stage IN ({_values(Stage)})", name="stage_known"),
        sa.CheckConstraint(f"severity IN ({_values(Severity)})", name="severity_known"),
        sa.CheckConstraint(f"category IN ({_values(Category)})", name="category_known"),
        sa.CheckConstraint(
            "(about_side = 'provider' AND about_organisation_id IS NOT NULL AND about_local_authority_id IS NULL)"
            " OR (about_side = 'local_authority' AND about_local_authority_id IS NOT NULL"
            " AND about_organisation_id IS NULL AND about_home_id IS NULL)",
            name="about_one_party",
        ),
        sa.CheckConstraint(
            "acknowledgement_extra_days >= 0 AND resolution_extra_days >= 0 AND learning_extra_days >= 0",
            name="extensions_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[Stage] = mapped_column(str_enum(Stage, length=24), default=Stage.LOGGED)
    # Who raised it: a user (None when the portal raised it itself) for their side, or an officer.
    raised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    raised_by_side: Mapped[Side | None] = mapped_column(str_enum(Side, length=16))
    raised_for_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider_organisation.id"))
    raised_for_local_authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("local_authority.id"))
    # About whom.
    about_side: Mapped[Side] = mapped_column(str_enum(Side, length=16))
    about_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider_organisation.id"), index=True)
    about_home_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider_home.id"))
    about_local_authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("local_authority.id"), index=True)
    category: Mapped[Category] = mapped_column(str_enum(Category, length=32))
    severity: Mapped[Severity] = mapped_column(str_enum(Severity, length=8))
    event_on: Mapped[date]
    description: Mapped[str] = mapped_column(sa.Text)
    done_so_far: Mapped[str] = mapped_column(sa.Text, default="")
    # Raised by the scheduler for a broken duty: once per case, linked to the record.
    case_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    record_path: Mapped[str | None] = mapped_column(sa.String(300))
    duty_met_on: Mapped[date | None]

    logged_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    resolution: Mapped[str] = mapped_column(sa.Text, default="")
    resolution_proposed_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    officer_decided: Mapped[bool] = mapped_column(default=False)
    resolution_reasons: Mapped[str] = mapped_column(sa.Text, default="")
    learning_response: Mapped[LearningResponse | None] = mapped_column(str_enum(LearningResponse, length=24))
    learning_on: Mapped[date | None]
    learning_format: Mapped[str] = mapped_column(sa.String(200), default="")
    learning_attendees: Mapped[str] = mapped_column(sa.Text, default="")
    learning_arranged_at: Mapped[datetime | None]
    held_notes: Mapped[str] = mapped_column(sa.Text, default="")
    held_at: Mapped[datetime | None]
    learned: Mapped[str] = mapped_column(sa.Text, default="")
    went_well: Mapped[str] = mapped_column(sa.Text, default="")
    learning_recorded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    acknowledgement_extra_days: Mapped[int] = mapped_column(default=0)
    resolution_extra_days: Mapped[int] = mapped_column(default=0)
    learning_extra_days: Mapped[int] = mapped_column(default=0)

    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
    about_organisation: Mapped[ProviderOrganisation | None] = relationship(foreign_keys=[about_organisation_id])
    about_local_authority: Mapped[LocalAuthority | None] = relationship(foreign_keys=[about_local_authority_id])
    raised_for_organisation: Mapped[ProviderOrganisation | None] = relationship(
        foreign_keys=[raised_for_organisation_id]
    )
    raised_for_local_authority: Mapped[LocalAuthority | None] = relationship(
        foreign_keys=[raised_for_local_authority_id]
    )
    events: Mapped[list["ConcernEvent"]] = relationship(
        back_populates="concern", order_by="ConcernEvent.id", cascade="all, delete-orphan"
    )
    actions: Mapped[list["ConcernAction"]] = relationship(
        back_populates="concern", order_by="ConcernAction.id", cascade="all, delete-orphan"
    )


class ConcernEvent(Base):
    """One entry of a concern's timeline: a step, a message between the parties, an extension."""

    __tablename__ = "concern_event"
    __table_args__ = (sa.CheckConstraint(f"kind IN ({_values(EventKind)})", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(sa.ForeignKey("concern.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, length=24))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(sa.Text, default="")

    concern: Mapped[Concern] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ConcernAction(Base):
    """An action agreed in the learning: what, who owns it, by when."""

    __tablename__ = "concern_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(sa.ForeignKey("concern.id"), index=True)
    what: Mapped[str] = mapped_column(sa.Text)
    owner: Mapped[str] = mapped_column(sa.String(200))
    due_on: Mapped[date]
    done_at: Mapped[datetime | None]

    concern: Mapped[Concern] = relationship(back_populates="actions")


class ConcernClosure(Base):
    """A concern's signed closure: the concern's record and learning as a canonical document,
    its digest signed in the ledger (kind concern-closure). A concern reopened and closed again
    has a closure for each time."""

    __tablename__ = "concern_closure"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(sa.ForeignKey("concern.id"), index=True)
    document: Mapped[dict] = mapped_column(sa.JSON)
    document_sha256: Mapped[str] = mapped_column(sa.String(64))
    closed_at: Mapped[datetime]
    closed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    closed_by_name: Mapped[str] = mapped_column(sa.String(200))
    ledger_seq: Mapped[int] = mapped_column(sa.ForeignKey("ledger_entry.seq"), unique=True)

    concern: Mapped[Concern] = relationship()
