"""Who uses the portal: local authorities, provider organisations and their people."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_portal.access import Role
from covenant_portal.db import Base, str_enum, utcnow


class LocalAuthority(Base):
    __tablename__ = "local_authority"

    id: Mapped[int] = mapped_column(primary_key=True)
    ons_code: Mapped[str] = mapped_column(sa.String(9), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    council: Mapped[str] = mapped_column(sa.String(200))
    is_greater_manchester: Mapped[bool] = mapped_column(default=False)


class ProviderOrganisation(Base):
    __tablename__ = "provider_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    companies_house_number: Mapped[str | None] = mapped_column(sa.String(8))
    charity_number: Mapped[str | None] = mapped_column(sa.String(8))
    ofsted_provider_urn: Mapped[str | None] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="organisation")


class User(Base):
    __tablename__ = "user_account"
    __table_args__ = (
        sa.CheckConstraint("(role = 'provider') = (organisation_id IS NOT NULL)", name="provider_has_organisation"),
        sa.CheckConstraint("(role = 'la_contact') = (local_authority_id IS NOT NULL)", name="la_contact_has_authority"),
        sa.CheckConstraint("role IN ('provider', 'la_contact', 'escalation_officer', 'admin')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    job_title: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[Role] = mapped_column(str_enum(Role))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider_organisation.id"), index=True)
    local_authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("local_authority.id"), index=True)
    is_organisation_admin: Mapped[bool] = mapped_column(default=False)
    # None until the person sets a password: an invited user who has not yet activated.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    email_verified_at: Mapped[datetime | None]
    # A change of email waits here until the new address is verified.
    pending_email: Mapped[str | None] = mapped_column(sa.String(320))
    # Bumped on password change or deactivation so every other session and remember-me cookie dies.
    session_version: Mapped[int] = mapped_column(default=1)
    deactivated_at: Mapped[datetime | None]
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    organisation: Mapped[ProviderOrganisation | None] = relationship(back_populates="users")
    local_authority: Mapped[LocalAuthority | None] = relationship()

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None and self.password_hash is not None and self.email_verified_at is not None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


def can_sign_in() -> tuple:
    """WHERE conditions for accounts someone can sign in to (activated, not deactivated): who to email."""
    return (User.deactivated_at.is_(None), User.password_hash.is_not(None))


def is_active_organisation_admin() -> tuple:
    return (User.role == Role.PROVIDER, User.is_organisation_admin.is_(True), *can_sign_in())


class LoginAttempt(Base):
    """Failed and successful logins, kept in the database so throttling holds across workers."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_email_created_at", "email", "created_at"),
        sa.Index("ix_login_attempt_ip_address_created_at", "ip_address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320))
    ip_address: Mapped[str] = mapped_column(sa.String(45))
    succeeded: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmailRequest(Base):
    """A request made on a public form that sends email (sign-up, a new confirmation link, a
    password reset), kept so that such emails are throttled across workers
    (accounts/email_throttle.py). Recorded whether or not the address has an account."""

    __tablename__ = "email_request"
    __table_args__ = (
        sa.Index("ix_email_request_email_created_at", "email", "created_at"),
        sa.Index("ix_email_request_ip_address_created_at", "ip_address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(32))
    email: Mapped[str] = mapped_column(sa.String(320))
    ip_address: Mapped[str] = mapped_column(sa.String(45))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
