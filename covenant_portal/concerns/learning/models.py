"""A learning summary (from a closed concern, or good practice), its themes, and the parties'
agreement to show their names with it."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_portal.accounts.models import User
from covenant_portal.concerns.models import Category, Concern
from covenant_portal.db import Base, str_enum, utcnow


class SummaryKind(StrEnum):
    LEARNING = "learning"
    GOOD_PRACTICE = "good_practice"  # good care that could be learned from


class SummaryStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Theme(StrEnum):
    """The themes of case-review and NWADCS practice the library is searched by."""

    COMMUNICATION_BETWEEN_AGENCIES = "communication_between_agencies"
    REFERRAL_INFORMATION = "referral_information"
    PLACEMENT_MATCHING = "placement_matching"
    TRANSITIONS = "transitions"
    EDUCATION = "education"
    HEALTH = "health"
    SAFEGUARDING_PRACTICE = "safeguarding_practice"
    PAPERWORK = "paperwork"
    VOICE_OF_THE_CHILD = "voice_of_the_child"
    GOOD_PRACTICE = "good_practice"


def _values(enum: type[StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class LearningSummary(Base):
    __tablename__ = "learning_summary"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN ({_values(SummaryKind)})", name="kind_known"),
        sa.CheckConstraint(f"status IN ({_values(SummaryStatus)})", name="status_known"),
        sa.CheckConstraint(f"category IN ({_values(Category)})", name="category_known"),
        # Learning comes from a concern; good practice may or may not.
        sa.CheckConstraint("kind = 'good_practice' OR concern_id IS NOT NULL", name="learning_has_concern"),
        sa.CheckConstraint(
            "(status = 'draft' AND published_at IS NULL) OR (status = 'published' AND published_at IS NOT NULL)",
            name="published_when_published",
        ),
        sa.CheckConstraint("(about_agreed_at IS NULL) = (about_agreed_by_id IS NULL)", name="about_agreement_whole"),
        sa.CheckConstraint("(raiser_agreed_at IS NULL) = (raiser_agreed_by_id IS NULL)", name="raiser_agreement_whole"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SummaryKind] = mapped_column(str_enum(SummaryKind, length=16))
    status: Mapped[SummaryStatus] = mapped_column(str_enum(SummaryStatus, length=16), default=SummaryStatus.DRAFT)
    concern_id: Mapped[int | None] = mapped_column(sa.ForeignKey("concern.id"), index=True)
    category: Mapped[Category] = mapped_column(str_enum(Category, length=32))
    title: Mapped[str] = mapped_column(sa.String(200))
    what_happened: Mapped[str] = mapped_column(sa.Text)
    what_learned: Mapped[str] = mapped_column(sa.Text)
    what_changed: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Each party's agreement to show the parties' names, given on the summary's page by one of its
    # people; withdrawn (both columns None again) at any time, before or after publication.
    about_agreed_at: Mapped[datetime | None]
    about_agreed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    raiser_agreed_at: Mapped[datetime | None]
    raiser_agreed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    concern: Mapped[Concern | None] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    themes: Mapped[list["SummaryTheme"]] = relationship(
        back_populates="summary", order_by="SummaryTheme.theme", cascade="all, delete-orphan"
    )

    @property
    def theme_values(self) -> list[Theme]:
        """The themes in the vocabulary's order."""
        order = list(Theme)
        return sorted((Theme(item.theme) for item in self.themes), key=order.index)


class SummaryTheme(Base):
    __tablename__ = "learning_summary_theme"
    __table_args__ = (sa.CheckConstraint(f"theme IN ({_values(Theme)})", name="theme_known"),)

    summary_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_summary.id"), primary_key=True)
    theme: Mapped[Theme] = mapped_column(str_enum(Theme, length=40), primary_key=True)

    summary: Mapped[LearningSummary] = relationship(back_populates="themes")
