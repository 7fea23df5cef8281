"""What the signing kernel's audit events and records are called in the audit trail."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.audit.vocabulary import AuditVocabulary
from covenant_portal.signing.models import SigningKey


def _keys(session: Session, ids: list[str]) -> dict[str, str]:
    found = session.scalars(select(SigningKey.keyid).where(SigningKey.keyid.in_(ids)))
    return {keyid: f"Signing key {keyid[:16]}…" for keyid in found}


SIGNING_AUDIT_VOCABULARY = AuditVocabulary(
    actions={"signing_key.published": "Published a signing key", "signing_key.rotated": "Rotated the signing key"},
    objects={"SigningKey": _keys},
)
