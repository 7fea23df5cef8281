"""What the expansions area's audit events and records are called in the audit trail."""

from sqlalchemy.orm import joinedload

from covenant_portal.audit.vocabulary import AuditVocabulary, describe_records
from covenant_portal.expansions.models import ExpansionProposal, ExpansionReminder, NeedsStatement

EXPANSIONS_AUDIT_VOCABULARY = AuditVocabulary(
    actions={
        "expansion_need.published": "Published a needs statement",
        "expansion_need.changed": "Changed a needs statement",
        "expansion_need.withdrawn": "Withdrew a needs statement",
        "expansion.draft_started": "Started an expansion proposal",
        "expansion.section_saved": "Saved a section of an expansion proposal",
        "expansion.submitted": "Submitted an expansion proposal",
        "expansion.revision_started": "Started a revision of an expansion proposal",
        "expansion.withdrawn": "Withdrew an expansion proposal",
        "expansion.taken": "Took an expansion proposal to triage",
        "expansion.information_requested": "Asked a provider for more information on an expansion proposal",
        "expansion.information_given": "Answered a local authority's request for information",
        "expansion.message_posted": "Sent a message on an expansion proposal",
        "expansion.comment_posted": "Commented on an expansion proposal",
        "expansion.outcome_recorded": "Recorded a response to an expansion proposal",
        "expansion.chased": "Sent a reminder about an expansion proposal",
    },
    objects={
        "ExpansionProposal": describe_records(
            ExpansionProposal,
            lambda proposal: f"Expansion proposal: {proposal.title}, {proposal.organisation.name}",
            options=lambda: (joinedload(ExpansionProposal.organisation),),
        ),
        "NeedsStatement": describe_records(
            NeedsStatement,
            lambda need: f"Needs statement: {need.category.label}, {need.local_authority.name}",
            options=lambda: (joinedload(NeedsStatement.local_authority),),
        ),
        "ExpansionReminder": describe_records(
            ExpansionReminder, lambda reminder: f"Expansion reminder ({reminder.stage})"
        ),
    },
)
