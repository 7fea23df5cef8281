"""What concerns' audit events and records are called in the audit trail."""

from covenant_portal.audit.vocabulary import AuditVocabulary, describe_records
from covenant_portal.concerns.learning.models import LearningSummary
from covenant_portal.concerns.models import Concern

CONCERNS_AUDIT_VOCABULARY = AuditVocabulary(
    actions={
        "concern.logged": "Logged a concern",
        "concern.acknowledged": "Acknowledged a concern",
        "concern.resolution_proposed": "Proposed a resolution to a concern",
        "concern.resolved": "Resolved a concern",
        "concern.learning_arranged": "Arranged a concern's learning response",
        "concern.learning_held": "Recorded that a concern's learning response was held",
        "concern.learning_recorded": "Recorded the learning from a concern",
        "concern.closed": "Closed a concern",
        "concern.reopened": "Reopened a concern",
        "concern.message": "Sent a message about a concern",
        "concern.extended": "Extended a concern's deadline",
        "concern.duty_met": "Recorded that the duty behind a concern was met",
        "concern.action_done": "Marked a concern's learning action done",
        "learning.drafted": "Drafted a learning summary",
        "learning.edited": "Changed a draft learning summary",
        "learning.published": "Published a learning summary",
        "learning.agreed": "Agreed to show their name with a learning summary",
        "learning.withdrawn": "Withdrew their agreement to show their name with a learning summary",
    },
    objects={
        "Concern": describe_records(Concern, lambda concern: f"Concern {concern.id}"),
        "LearningSummary": describe_records(LearningSummary, lambda summary: f"Learning summary {summary.id}"),
    },
)
