"""What homes' audit events and records are called in the audit trail."""

from sqlalchemy.orm import joinedload

from covenant_portal.audit.vocabulary import AuditVocabulary, describe_records
from covenant_portal.homes.models import ProviderHome

HOMES_AUDIT_VOCABULARY = AuditVocabulary(
    actions={"home.added": "Added a home", "home.changed": "Changed a home", "home.seeded": "Demo home added"},
    objects={
        "ProviderHome": describe_records(
            ProviderHome,
            lambda home: f"Home: {home.name}, {home.organisation.name}",
            options=lambda: (joinedload(ProviderHome.organisation),),
        ),
    },
)
