"""What the signing kernel's audit events and records are called in the audit trail."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.audit.vocabulary import AuditVocabulary, describe_records
from covenant_portal.signing.models import CheckpointCosignature, SigningKey, WitnessKey


def _keys(session: Session, ids: list[str]) -> dict[str, str]:
    found = session.scalars(select(SigningKey.keyid).where(SigningKey.keyid.in_(ids)))
    return {keyid: f"Signing key {keyid[:16]}…" for keyid in found}


SIGNING_AUDIT_VOCABULARY = AuditVocabulary(
    actions={
        "signing_key.published": "Published a signing key",
        "signing_key.rotated": "Rotated the signing key",
        "signing_key.dated_back": "Dated the signing key from the demo's start",
        "checkpoint.cosigned": "A witness cosigned a ledger checkpoint",
        "witness_key.registered": "Registered a witness key",
        "witness_key.removed": "Removed a witness key",
    },
    objects={
        "SigningKey": _keys,
        "WitnessKey": describe_records(WitnessKey, lambda witness: f"Witness: {witness.name}"),
        "CheckpointCosignature": describe_records(
            CheckpointCosignature, lambda cosignature: f"Cosignature of the checkpoint of size {cosignature.tree_size}"
        ),
    },
)
