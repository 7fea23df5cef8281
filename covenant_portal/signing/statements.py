"""in-toto Statement v1 documents, the payload of every signed record."""

from typing import Any

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"


def statement(subject_name: str, subject_sha256: str, predicate_type: str, predicate: dict[str, Any]) -> dict:
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": subject_name, "digest": {"sha256": subject_sha256}}],
        "predicateType": predicate_type,
        "predicate": predicate,
    }
