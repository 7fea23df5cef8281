"""What conversations' audit events and records are called in the audit trail."""

from sqlalchemy.orm import joinedload

from covenant_portal.audit.vocabulary import AuditVocabulary, describe_records
from covenant_portal.conversations.models import Conversation

CONVERSATIONS_AUDIT_VOCABULARY = AuditVocabulary(
    actions={
        "conversation.started": "Started a conversation with a provider",
        "conversation.replied": "Wrote in a conversation",
    },
    objects={
        "Conversation": describe_records(
            Conversation,
            lambda conversation: (
                f"Conversation: {conversation.subject} ({conversation.local_authority.name} and "
                f"{conversation.organisation.name})"
            ),
            options=lambda: (joinedload(Conversation.local_authority), joinedload(Conversation.organisation)),
        ),
    },
)
