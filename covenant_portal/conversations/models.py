"""Recorded conversations between a local authority and a provider: who started it, about what, and
every message from either side. Nothing is edited or removed: the record is what was said."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.db import Base, str_enum


class Side(StrEnum):
    """The two sides of a conversation."""

    LOCAL_AUTHORITY = "local_authority"
    PROVIDER = "provider"

    @property
    def other(self) -> "Side":
        return Side.PROVIDER if self == Side.LOCAL_AUTHORITY else Side.LOCAL_AUTHORITY


class Conversation(Base):
    __tablename__ = "conversation"
    __table_args__ = (sa.CheckConstraint("awaiting IN ('local_authority', 'provider')", name="awaiting_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    local_authority_id: Mapped[int] = mapped_column(sa.ForeignKey("local_authority.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_organisation.id"), index=True)
    # Why it was started, e.g. "GM share below the dialogue threshold".
    topic: Mapped[str] = mapped_column(sa.String(200))
    subject: Mapped[str] = mapped_column(sa.String(200))
    started_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    started_at: Mapped[datetime]
    # The side whose reply is awaited: the side that did not write last.
    awaiting: Mapped[Side] = mapped_column(str_enum(Side))
    last_message_at: Mapped[datetime]

    local_authority: Mapped[LocalAuthority] = relationship()
    organisation: Mapped[ProviderOrganisation] = relationship()
    started_by: Mapped[User] = relationship()
    messages: Mapped[list["ConversationMessage"]] = relationship(
        back_populates="conversation", order_by="ConversationMessage.id"
    )


class ConversationMessage(Base):
    __tablename__ = "conversation_message"
    __table_args__ = (sa.CheckConstraint("side IN ('local_authority', 'provider')", name="side_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(sa.ForeignKey("conversation.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    side: Mapped[Side] = mapped_column(str_enum(Side))
    body: Mapped[str] = mapped_column(sa.Text)
    sent_at: Mapped[datetime]

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()
