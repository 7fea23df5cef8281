"""What quarterly returns' audit events and records are called in the audit trail. Returns and
their signed versions are recorded as "QuarterlyReturn" and "ReturnSubmission", the names
their events have had from the start (see QuarterlyReturn.audit_type)."""

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.audit.vocabulary import AuditVocabulary, describe_records
from covenant_portal.returns.models import (
    EvidenceFile,
    QuarterlyReturn,
    ReturnPeriod,
    ReturnReminder,
    ReturnSubmission,
)


def _return_words(quarterly_return: QuarterlyReturn) -> str:
    return f"Quarterly return: {quarterly_return.organisation.name}, {quarterly_return.period.label}"


def _reminders(session: Session, ids: list[str]) -> dict[str, str]:
    numbers = [int(each) for each in ids if each.isdigit()]
    rows = session.execute(
        select(ReturnReminder, ProviderOrganisation.name)
        .join(ProviderOrganisation, ProviderOrganisation.id == ReturnReminder.organisation_id)
        .options(joinedload(ReturnReminder.period))
        .where(ReturnReminder.id.in_(numbers))
    )
    return {
        str(reminder.id): f"Reminder ({reminder.stage.label.lower()}): {name}, {reminder.period.label}"
        for reminder, name in rows
    }


RETURNS_AUDIT_VOCABULARY = AuditVocabulary(
    actions={
        "attestation_return.started": "Started a quarterly return",
        "attestation_return.pledge_saved": "Saved a pledge of a quarterly return",
        "attestation_return.occupancy_saved": "Saved the occupancy of a quarterly return",
        "attestation_return.contacts_confirmed": "Confirmed the named contacts of a quarterly return",
        "attestation.signed": "Signed a quarterly return",
        "attestation.correction_started": "Started a correction of a signed return",
        "attestation.evidence_added": "Added an evidence file",
        "attestation.evidence_removed": "Removed an evidence file",
        "return.escalated": "Escalated a late quarterly return",
        "return_period.due_date_changed": "Moved a quarterly return's due date",
    },
    objects={
        QuarterlyReturn.audit_type: describe_records(
            QuarterlyReturn,
            _return_words,
            options=lambda: (joinedload(QuarterlyReturn.organisation), joinedload(QuarterlyReturn.period)),
        ),
        ReturnSubmission.audit_type: describe_records(
            ReturnSubmission,
            lambda submission: (
                f"Signed return, version {submission.version}: "
                f"{submission.quarterly_return.organisation.name}, {submission.quarterly_return.period.label}"
            ),
            options=lambda: (
                joinedload(ReturnSubmission.quarterly_return).joinedload(QuarterlyReturn.organisation),
                joinedload(ReturnSubmission.quarterly_return).joinedload(QuarterlyReturn.period),
            ),
        ),
        "EvidenceFile": describe_records(EvidenceFile, lambda evidence: f"Evidence file: {evidence.filename}"),
        "ReturnPeriod": describe_records(ReturnPeriod, lambda period: f"Return period: {period.label}"),
        "ReturnReminder": _reminders,
    },
)
