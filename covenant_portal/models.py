"""Imports every model so that Base.metadata knows every table (Alembic and tests rely on it)."""
from covenant_portal.accounts.models import LocalAuthority, LoginAttempt, ProviderOrganisation, Role, User
from covenant_portal.audit.models import AuditEvent
from covenant_portal.jobs.models import JobRun
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.signing.models import LedgerEntry, SigningKey

__all__ = [
    "AuditEvent",
    "JobRun",
    "LedgerEntry",
    "LocalAuthority",
    "LoginAttempt",
    "OutboxMessage",
    "ProviderOrganisation",
    "Role",
    "SigningKey",
    "User",
]
