"""What the covenant's audit events and records are called in the audit trail."""

from sqlalchemy.orm import joinedload

from covenant_portal.audit.vocabulary import AuditVocabulary, describe_records
from covenant_portal.covenant.models import CovenantSignature, CovenantVersion, LaCovenantSignature, ResigningReminder
from covenant_portal.signing.references import receipt_reference

COVENANT_AUDIT_VOCABULARY = AuditVocabulary(
    actions={
        "covenant.signed": "Signed the covenant",
        "la_covenant.signed": "Signed the covenant for a local authority",
        "covenant.version_drafted": "Drafted a covenant version",
        "covenant.version_published": "Published a covenant version",
        "covenant.resigning_escalated": "Escalated an organisation that has not re-signed the covenant",
    },
    objects={
        "CovenantVersion": describe_records(CovenantVersion, lambda version: f"Covenant version {version.number}"),
        "CovenantSignature": describe_records(
            CovenantSignature,
            lambda signature: (
                f"Covenant signature: {signature.organisation_name}, version {signature.covenant_version.number} "
                f"({receipt_reference(signature.ledger_seq)})"
            ),
            options=lambda: (joinedload(CovenantSignature.covenant_version),),
        ),
        "LaCovenantSignature": describe_records(
            LaCovenantSignature,
            lambda signature: (
                f"Covenant signature: {signature.local_authority_name}, version {signature.covenant_version.number} "
                f"({receipt_reference(signature.ledger_seq)})"
            ),
            options=lambda: (joinedload(LaCovenantSignature.covenant_version),),
        ),
        "ResigningReminder": describe_records(
            ResigningReminder,
            lambda reminder: (
                f"Re-signing reminder ({reminder.stage.label.lower()}): {reminder.organisation.name}, "
                f"covenant version {reminder.covenant_version.number}"
            ),
            options=lambda: (
                joinedload(ResigningReminder.covenant_version),
                joinedload(ResigningReminder.organisation),
            ),
        ),
    },
)
