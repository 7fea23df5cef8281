"""Imports every model so that Base.metadata knows every table (Alembic and tests rely on it)."""

from covenant_portal.accounts.models import LocalAuthority, LoginAttempt, ProviderOrganisation, User
from covenant_portal.access import Role
from covenant_portal.returns.models import (
    QuarterlyReturn,
    ReturnSubmission,
    EvidenceFile,
    GmPlacement,
    HomeOccupancy,
    PledgeAnswer,
    ReturnPeriod,
    ReturnReminder,
)
from covenant_portal.audit.models import AuditEvent
from covenant_portal.concerns.learning.models import LearningSummary, SummaryTheme
from covenant_portal.concerns.models import Concern, ConcernAction, ConcernClosure, ConcernEvent
from covenant_portal.contacts.models import LocalAuthorityNamedContact, ProviderContact
from covenant_portal.conversations.models import Conversation, ConversationMessage
from covenant_portal.covenant.models import CovenantSignature, CovenantVersion, LaCovenantSignature
from covenant_portal.homes.models import ProviderHome
from covenant_portal.jobs.models import JobRun, SchedulerHeartbeat
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.signing.models import LedgerEntry, SigningKey

__all__ = [
    "LaCovenantSignature",
    "Conversation",
    "ConversationMessage",
    "Concern",
    "ConcernAction",
    "ConcernClosure",
    "ConcernEvent",
    "LearningSummary",
    "SummaryTheme",
    "QuarterlyReturn",
    "ReturnSubmission",
    "EvidenceFile",
    "GmPlacement",
    "HomeOccupancy",
    "PledgeAnswer",
    "ReturnPeriod",
    "ReturnReminder",
    "AuditEvent",
    "CovenantSignature",
    "CovenantVersion",
    "JobRun",
    "LedgerEntry",
    "LocalAuthority",
    "LocalAuthorityNamedContact",
    "LoginAttempt",
    "OutboxMessage",
    "ProviderContact",
    "ProviderHome",
    "ProviderOrganisation",
    "Role",
    "SchedulerHeartbeat",
    "SigningKey",
    "User",
]
