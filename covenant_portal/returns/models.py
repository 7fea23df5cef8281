"""Quarterly returns: the calendar of periods, each organisation's return for a period
with its working draft, the signed versions submitted, the evidence files, and the reminders sent.

A return's draft is one JSON document (see `QuarterlyReturn.draft`), saved a section at a time and
guarded by `draft_lock` so that two colleagues cannot silently overwrite each other. Signing turns
the draft into an immutable `ReturnSubmission`: the canonical document that was hashed and
signed, plus the same answers as rows (`PledgeAnswer`, `HomeOccupancy`, `GmPlacement`) for the
LA compliance table and the sufficiency observatory to query.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.db import Base, str_enum, utcnow
from covenant_portal.homes.models import ProviderHome


class PledgeStatus(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return PLEDGE_STATUS_LABELS[self]


PLEDGE_STATUS_LABELS = {
    PledgeStatus.MET: "Met",
    PledgeStatus.PARTLY_MET: "Partly met",
    PledgeStatus.NOT_MET: "Not met",
    PledgeStatus.NOT_APPLICABLE: "Not applicable",
}


class ReminderStage(StrEnum):
    """The chase emails of a period, each sent once per organisation (the last one escalates)."""

    DUE_IN_7_DAYS = "due_in_7_days"
    DUE_TODAY = "due_today"
    OVERDUE_1_DAY = "overdue_1_day"
    OVERDUE_7_DAYS = "overdue_7_days"
    ESCALATED = "escalated"

    @property
    def label(self) -> str:
        return REMINDER_STAGE_LABELS[self]


REMINDER_STAGE_LABELS = {
    ReminderStage.DUE_IN_7_DAYS: "Due in 7 days",
    ReminderStage.DUE_TODAY: "Due today",
    ReminderStage.OVERDUE_1_DAY: "1 day overdue",
    ReminderStage.OVERDUE_7_DAYS: "7 days overdue",
    ReminderStage.ESCALATED: "Escalated",
}


class ReturnPeriod(Base):
    """A financial-year quarter (Q1 April–June … Q4 January–March) and when its return is due."""

    __tablename__ = "return_period"
    __table_args__ = (
        sa.UniqueConstraint("financial_year", "quarter"),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_known"),
        sa.CheckConstraint("starts_on <= ends_on AND ends_on < opens_on AND opens_on <= due_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The calendar year the financial year starts in: 2026 is April 2026 to March 2027.
    financial_year: Mapped[int]
    quarter: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    opens_on: Mapped[date]  # the day after the quarter ends
    due_on: Mapped[date]
    # Set when an admin moved the due date from the one the rules give.
    due_adjusted_at: Mapped[datetime | None]
    due_adjusted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    due_adjustment_reason: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def label(self) -> str:
        """E.g. "Q1 2026 to 2027"."""
        return f"Q{self.quarter} {self.financial_year} to {self.financial_year + 1}"

    @property
    def months(self) -> str:
        """E.g. "April to June 2026"."""
        return f"{self.starts_on:%B} to {self.ends_on:%B %Y}"


class QuarterlyReturn(Base):
    """One organisation's return for one period: its working draft and, once signed, its versions.

    `draft` (None when no draft is open) is a JSON object with these keys, each present once its
    section has been saved or carried over:
      "pledges":   {"<pledge number>": {"status": PledgeStatus value, "narrative": str,
                                         "from_last_quarter": bool}}
      "occupancy": {"<home id>": {"placed_by": {"<GM LA ONS code>": int, ...},
                                  "placed_outside_gm": int, "vacant_places": int,
                                  "registered_places": int, "from_last_quarter": bool}}
      "contacts":  {"confirmed": bool, "from_last_quarter": bool}
      "based_on":  the id of the signed submission the draft started from (last quarter's, or this
                   return's latest when correcting it), or absent for a fresh start
    "from_last_quarter" marks an answer carried over from "based_on" that the provider has not yet
    reviewed; saving the section clears it.
    """

    __tablename__ = "attestation_return"
    # What the audit trail calls it: its events have been recorded under this name from the start.
    audit_type: ClassVar[str] = "QuarterlyReturn"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "period_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_organisation.id"), index=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("return_period.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # none_as_null: a draft set to None is SQL NULL (not JSON null), so `draft IS NULL` finds closed drafts.
    draft: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    # Bumped by every save of the draft. A section saved from a page opened before a colleague changed
    # that same section is refused (the page shows both); saves of different sections both stand.
    draft_lock: Mapped[int] = mapped_column(default=0)
    # When and by whom the draft was last saved, or, until its first save (draft_saved false), when
    # and by whom it (or its correction) was started: its pages say "Started on …" until then.
    draft_updated_at: Mapped[datetime | None]
    draft_updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    draft_saved: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    organisation: Mapped[ProviderOrganisation] = relationship()
    period: Mapped[ReturnPeriod] = relationship()
    draft_updated_by: Mapped[User | None] = relationship(foreign_keys=[draft_updated_by_id])
    submissions: Mapped[list["ReturnSubmission"]] = relationship(
        back_populates="quarterly_return",
        foreign_keys="ReturnSubmission.return_id",
        order_by="ReturnSubmission.version",
    )

    @property
    def latest_submission(self) -> "ReturnSubmission | None":
        return self.submissions[-1] if self.submissions else None


class ReturnSubmission(Base):
    """One signed version of a return. Never changed: a correction is a new version superseding it."""

    __tablename__ = "attestation_submission"
    audit_type: ClassVar[str] = "ReturnSubmission"
    __table_args__ = (
        sa.UniqueConstraint("return_id", "version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("(version = 1) = (supersedes_id IS NULL)", name="corrections_supersede"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(sa.ForeignKey("attestation_return.id"), index=True)
    version: Mapped[int]
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attestation_submission.id"))
    # The return as signed: its RFC 8785 canonical JSON hashes to document_sha256, the subject digest.
    document: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    document_sha256: Mapped[str] = mapped_column(sa.String(64))
    signer_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    signer_name: Mapped[str] = mapped_column(sa.String(200))
    signer_job_title: Mapped[str] = mapped_column(sa.String(200))
    signer_email: Mapped[str] = mapped_column(sa.String(320))
    declaration: Mapped[str] = mapped_column(sa.Text)
    signed_at: Mapped[datetime]
    ledger_seq: Mapped[int] = mapped_column(sa.ForeignKey("ledger_entry.seq"), unique=True)

    quarterly_return: Mapped[QuarterlyReturn] = relationship(back_populates="submissions", foreign_keys=[return_id])
    supersedes: Mapped["ReturnSubmission | None"] = relationship(remote_side=[id])
    signer: Mapped[User] = relationship()
    pledge_answers: Mapped[list["PledgeAnswer"]] = relationship(order_by="PledgeAnswer.pledge_number")
    occupancy: Mapped[list["HomeOccupancy"]] = relationship(order_by="HomeOccupancy.home_id")


class PledgeAnswer(Base):
    """How a signed return says one provider pledge was kept."""

    __tablename__ = "pledge_answer"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "pledge_number"),
        sa.CheckConstraint("status IN ('met', 'partly_met', 'not_met', 'not_applicable')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("attestation_submission.id"), index=True)
    pledge_number: Mapped[int]
    status: Mapped[PledgeStatus] = mapped_column(str_enum(PledgeStatus, length=16))
    narrative: Mapped[str] = mapped_column(sa.Text, default="")


class HomeOccupancy(Base):
    """One home on the last day of the quarter, as a signed return reports it."""

    __tablename__ = "home_occupancy"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "home_id"),
        sa.CheckConstraint(
            "registered_places >= 0 AND vacant_places >= 0 AND placed_outside_gm >= 0", name="counts_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("attestation_submission.id"), index=True)
    home_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_home.id"), index=True)
    registered_places: Mapped[int]
    vacant_places: Mapped[int]
    placed_outside_gm: Mapped[int]

    home: Mapped[ProviderHome] = relationship()
    gm_placements: Mapped[list["GmPlacement"]] = relationship(order_by="GmPlacement.local_authority_id")


class GmPlacement(Base):
    """Children placed in a home by one GM LA (only non-zero counts are kept)."""

    __tablename__ = "gm_placement"
    __table_args__ = (sa.CheckConstraint("children > 0", name="children_positive"),)

    occupancy_id: Mapped[int] = mapped_column(sa.ForeignKey("home_occupancy.id"), primary_key=True)
    local_authority_id: Mapped[int] = mapped_column(sa.ForeignKey("local_authority.id"), primary_key=True)
    children: Mapped[int]

    local_authority: Mapped[LocalAuthority] = relationship()


class EvidenceFile(Base):
    """A file a provider attached to a pledge of its return, kept outside the web root."""

    __tablename__ = "evidence_file"
    __table_args__ = (sa.CheckConstraint("size_bytes > 0", name="not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(sa.ForeignKey("attestation_return.id"), index=True)
    pledge_number: Mapped[int]
    filename: Mapped[str] = mapped_column(sa.String(255))  # as uploaded (made safe), shown and downloaded as
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)  # random; the file on disk
    media_type: Mapped[str] = mapped_column(sa.String(100))  # found from the content, not the name
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    # Removed from the draft. The file itself is kept if a signed version lists it.
    removed_at: Mapped[datetime | None]


class ReturnReminder(Base):
    """A chase (or the escalation) sent for an organisation's return: each stage at most once."""

    __tablename__ = "return_reminder"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "period_id", "stage"),
        sa.CheckConstraint(
            "stage IN ('due_in_7_days', 'due_today', 'overdue_1_day', 'overdue_7_days', 'escalated')",
            name="stage_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_organisation.id"), index=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("return_period.id"), index=True)
    stage: Mapped[ReminderStage] = mapped_column(str_enum(ReminderStage, length=16))
    sent_on: Mapped[date]  # the (Europe/London) day the chase job ran for
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    period: Mapped[ReturnPeriod] = relationship()
