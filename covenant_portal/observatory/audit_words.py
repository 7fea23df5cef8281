"""What the observatory's audit events are called in the audit trail."""

from covenant_portal.audit.vocabulary import AuditVocabulary

OBSERVATORY_AUDIT_VOCABULARY = AuditVocabulary(
    actions={"observatory.variance_alert_sent": "Sent an alert that a provider's GM share fell"},
)
