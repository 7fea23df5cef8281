"""What the mail kernel's audit events and records are called in the audit trail."""

from covenant_portal.audit.vocabulary import AuditVocabulary, describe_records
from covenant_portal.mail.models import OutboxMessage

MAIL_AUDIT_VOCABULARY = AuditVocabulary(
    actions={"mail.failed": "Gave up sending an email"},
    objects={
        "OutboxMessage": describe_records(
            OutboxMessage, lambda message: f"Email to {message.recipient}: {message.subject}"
        )
    },
)
