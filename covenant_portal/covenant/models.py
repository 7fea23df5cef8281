"""Covenant versions and the organisations' signatures of them."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.db import Base, str_enum, utcnow


class CovenantStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class CovenantVersion(Base):
    """One wording of the covenant; `document` is the structured text that signatures cover."""

    __tablename__ = "covenant_version"
    __table_args__ = (
        sa.CheckConstraint("status IN ('draft', 'published')", name="status_known"),
        sa.CheckConstraint("(status = 'published') = (published_at IS NOT NULL)", name="published_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    document: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # Hex SHA-256 of the RFC 8785 canonical JSON of `document`: the subject digest of every signature.
    document_sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[CovenantStatus] = mapped_column(str_enum(CovenantStatus, length=16), default=CovenantStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None]


class CovenantSignature(Base):
    """An organisation's signature of one covenant version, sealed by a ledger entry."""

    __tablename__ = "covenant_signature"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "covenant_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_organisation.id"), index=True)
    covenant_version_id: Mapped[int] = mapped_column(sa.ForeignKey("covenant_version.id"))
    signer_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    signer_name: Mapped[str] = mapped_column(sa.String(200))
    signer_job_title: Mapped[str] = mapped_column(sa.String(200))
    signer_email: Mapped[str] = mapped_column(sa.String(320))
    declaration: Mapped[str] = mapped_column(sa.Text)
    signed_at: Mapped[datetime]
    # The organisation as it was named when it signed (it may be renamed later), and when the signer
    # had last signed in: signed facts kept here so that `ledger verify` re-checks them too.
    organisation_name: Mapped[str] = mapped_column(sa.String(200))
    organisation_companies_house_number: Mapped[str | None] = mapped_column(sa.String(8))
    organisation_charity_number: Mapped[str | None] = mapped_column(sa.String(8))
    organisation_ofsted_provider_urn: Mapped[str | None] = mapped_column(sa.String(10))
    signer_signed_in_at: Mapped[datetime | None]
    ledger_seq: Mapped[int] = mapped_column(sa.ForeignKey("ledger_entry.seq"), unique=True)

    organisation: Mapped[ProviderOrganisation] = relationship()
    covenant_version: Mapped[CovenantVersion] = relationship()
    signer: Mapped[User] = relationship()


class LaCovenantSignature(Base):
    """A local authority's signature of the LAs' pledges of one covenant version, sealed by a ledger
    entry. An LA contact of the authority signs, confirming the authorised officer's name and job
    title and that the officer authorised the signature."""

    __tablename__ = "la_covenant_signature"
    __table_args__ = (sa.UniqueConstraint("local_authority_id", "covenant_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    local_authority_id: Mapped[int] = mapped_column(sa.ForeignKey("local_authority.id"), index=True)
    covenant_version_id: Mapped[int] = mapped_column(sa.ForeignKey("covenant_version.id"))
    signer_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))  # the LA contact who signed
    signer_name: Mapped[str] = mapped_column(sa.String(200))
    signer_email: Mapped[str] = mapped_column(sa.String(320))
    officer_name: Mapped[str] = mapped_column(sa.String(200))  # the authorised officer
    officer_job_title: Mapped[str] = mapped_column(sa.String(200))
    declaration: Mapped[str] = mapped_column(sa.Text)
    signed_at: Mapped[datetime]
    # The authority as it was named when it signed: signed facts kept here for `ledger verify`.
    local_authority_name: Mapped[str] = mapped_column(sa.String(200))
    local_authority_ons_code: Mapped[str] = mapped_column(sa.String(9))
    ledger_seq: Mapped[int] = mapped_column(sa.ForeignKey("ledger_entry.seq"), unique=True)

    local_authority: Mapped[LocalAuthority] = relationship()
    covenant_version: Mapped[CovenantVersion] = relationship()
    signer: Mapped[User] = relationship()


class ResigningStage(StrEnum):
    """The re-signing chase of a covenant version, each stage sent once per organisation (the last
    one escalates); see covenant/chasing/ladder.py for the days they fall on."""

    DUE_IN_14_DAYS = "due_in_14_days"
    DUE_IN_7_DAYS = "due_in_7_days"
    DUE_TODAY = "due_today"
    ESCALATED = "escalated"

    @property
    def label(self) -> str:
        return {
            "due_in_14_days": "Due in 14 days",
            "due_in_7_days": "Due in 7 days",
            "due_today": "Due today",
            "escalated": "Escalated",
        }[self.value]


class ResigningReminder(Base):
    """A re-signing chase (or the escalation) sent for an organisation that signed an earlier
    covenant version than `covenant_version`: each stage at most once."""

    __tablename__ = "resigning_reminder"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "covenant_version_id", "stage"),
        sa.CheckConstraint(
            "stage IN ('due_in_14_days', 'due_in_7_days', 'due_today', 'escalated')", name="stage_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_organisation.id"), index=True)
    covenant_version_id: Mapped[int] = mapped_column(sa.ForeignKey("covenant_version.id"), index=True)
    stage: Mapped[ResigningStage] = mapped_column(str_enum(ResigningStage, length=16))
    sent_on: Mapped[date]  # the (Europe/London) day the chase job ran for
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    organisation: Mapped[ProviderOrganisation] = relationship()
    covenant_version: Mapped[CovenantVersion] = relationship()
