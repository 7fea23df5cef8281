"""Named contacts on both sides (pledge 2). Changes never overwrite: a contact is retired and a new
version added, so the history of who was named when is kept."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.db import Base, utcnow

provider_contact_home = sa.Table(
    "provider_contact_home",
    Base.metadata,
    sa.Column("contact_id", sa.ForeignKey("provider_contact.id"), primary_key=True),
    sa.Column("home_id", sa.ForeignKey("provider_home.id"), primary_key=True),
)


class ProviderContact(Base):
    """A provider's named person for vacancies and referrals. No homes listed means all homes."""

    __tablename__ = "provider_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_organisation.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(320))
    phone: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Set when the contact is removed or replaced by a newer version of itself.
    retired_at: Mapped[datetime | None]
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider_contact.id"))

    organisation: Mapped[ProviderOrganisation] = relationship()
    homes = relationship("ProviderHome", secondary=provider_contact_home, order_by="ProviderHome.name")


class LocalAuthorityNamedContact(Base):
    """An LA contact user marked as their LA's named contact, with the details providers should use."""

    __tablename__ = "la_named_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    local_authority_id: Mapped[int] = mapped_column(sa.ForeignKey("local_authority.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(320))
    phone: Mapped[str] = mapped_column(sa.String(40))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    local_authority: Mapped[LocalAuthority] = relationship()
    user: Mapped[User] = relationship()
