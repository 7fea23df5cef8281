"""Imports every model so that Base.metadata knows every table (Alembic and tests rely on it)."""
from covenant_portal.accounts.models import LocalAuthority, LoginAttempt, ProviderOrganisation, Role, User
from covenant_portal.audit.models import AuditEvent
from covenant_portal.jobs.models import JobRun
from covenant_portal.mail.models import OutboxMessage

__all__ = [
    "AuditEvent",
    "JobRun",
    "LocalAuthority",
    "LoginAttempt",
    "OutboxMessage",
    "ProviderOrganisation",
    "Role",
    "User",
]
