"""GET /ledger/head: a signed statement of the ledger's size and head hash, kept by whoever wants to
show later that the ledger only grew. It is not itself added to the ledger."""

import json
from datetime import datetime

from securesystemslib.dsse import Envelope
from sqlalchemy import func, select

from covenant_portal.db import utcnow
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.portal_key import portal_key
from tests.signing.helpers import sign_covenants, sslib_keys, statement_in


def signed_head(client_request) -> tuple[bytes, dict]:
    response = client_request.get("/ledger/head")
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-cache"
    receipt = response.get_data()
    keys = sslib_keys(client_request.get("/.well-known/gm-first-keys.json").get_json())
    assert list(Envelope.from_dict(json.loads(receipt)).verify(keys, 1)) == [portal_key().keyid]
    return receipt, statement_in(receipt)


def test_the_head_of_an_empty_ledger(started, client_request, db_session):
    before = utcnow()
    _, statement = signed_head(client_request)
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["subject"] == [{"name": "urn:gm-first:ledger", "digest": {"sha256": "0" * 64}}]
    assert statement["predicateType"] == "urn:gm-first:predicate:ledger-head:v1"
    predicate = statement["predicate"]
    assert (predicate["size"], predicate["headHash"]) == (0, "0" * 64)
    assert before <= datetime.fromisoformat(predicate["observedAt"]) <= utcnow()


def test_the_head_names_the_last_entry_and_is_not_added_to_the_ledger(client_request, db_session):
    sign_covenants(db_session, 3)
    last = db_session.get(LedgerEntry, 3)

    _, statement = signed_head(client_request)

    assert statement["subject"][0]["digest"]["sha256"] == last.entry_hash
    assert statement["predicate"]["size"] == 3
    assert statement["predicate"]["headHash"] == last.entry_hash
    assert db_session.scalar(select(func.count()).select_from(LedgerEntry)) == 3


def test_the_payload_is_canonical_json_with_integer_size(client_request, db_session):
    sign_covenants(db_session, 1)
    receipt, statement = signed_head(client_request)
    envelope = Envelope.from_dict(json.loads(receipt))
    assert envelope.payload_type == "application/vnd.in-toto+json"
    assert b'"size":1' in envelope.payload
    assert isinstance(statement["predicate"]["size"], int)
