"""Issue 13, point 7: closing is a signed record that both parties download and that verifies with
securesystemslib, at /verify and with `ledger verify`; tampering with it is found."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from securesystemslib.dsse import Envelope as SslibEnvelope

from covenant_portal.concerns import service
from covenant_portal.concerns.closure import CONCERN_CLOSURE, check_closure, subject_name_for
from covenant_portal.concerns.models import ConcernClosure, Stage
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.records import record_kinds
from tests.concerns.helpers import LOGGED_AT, about_la, close_concern, make_parties
from tests.signing.helpers import allow_tampering, run_ledger, sslib_keys, statement_in


@pytest.fixture
def parties(db_session):
    return make_parties(db_session)


def closed(db_session, parties):
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    return concern, close_concern(db_session, concern, parties, LOGGED_AT)


def test_the_record_kind_is_registered(app):
    assert CONCERN_CLOSURE.predicate_type == "urn:gm-first:predicate:concern-closure:v1"
    assert "concern" in CONCERN_CLOSURE.kind
    assert record_kinds(app)[CONCERN_CLOSURE.kind] is CONCERN_CLOSURE


def test_closing_signs_the_record_and_the_ledger_verifies(db_session, parties, app):
    concern, closure = closed(db_session, parties)
    assert concern.stage is Stage.CLOSED
    entry = db_session.get(LedgerEntry, closure.ledger_seq)
    statement = statement_in(entry.envelope)
    assert statement["predicateType"] == "urn:gm-first:predicate:concern-closure:v1"
    assert statement["subject"][0]["digest"]["sha256"] == closure.document_sha256
    assert "Attach the plan." not in json.dumps(statement)  # the predicate holds no text
    assert check_closure(db_session, subject_name_for(closure.id), statement) is None
    result = run_ledger(app, "verify")
    assert result.exit_code == 0, result.output


def test_both_parties_download_a_receipt_that_verifies_with_securesystemslib(client_request, db_session, parties):
    concern, closure = closed(db_session, parties)
    keys = sslib_keys(client_request.get("/.well-known/gm-first-keys.json").get_json())
    for user in (parties.provider, parties.la_contact):
        client_request.login(user)
        receipt = client_request.get(
            "concerns.closure_receipt", concern_id=concern.id, closure_id=closure.id
        ).get_data()
        assert SslibEnvelope.from_dict(json.loads(receipt)).verify(keys, 1)
    client_request.login(parties.other_provider)
    client_request.get("concerns.closure_receipt", concern_id=concern.id, closure_id=closure.id, expected_status=404)


def test_the_receipt_checks_out_at_verify(client_request, db_session, parties):
    concern, closure = closed(db_session, parties)
    client_request.login(parties.provider)
    receipt = client_request.get("concerns.closure_receipt", concern_id=concern.id, closure_id=closure.id).get_data(
        as_text=True
    )
    page = client_request.post("/verify", {"receipt_text": receipt}, expected_status=200)
    assert "concern-closure" in page.get_data(as_text=True)


def test_a_changed_closure_document_breaks_the_ledger(db_session, parties, app):
    _concern, closure = closed(db_session, parties)
    document = dict(closure.document, learning={**closure.document["learning"], "learned": "Nothing."})
    allow_tampering(db_session)
    db_session.execute(
        sa.update(ConcernClosure.__table__).where(ConcernClosure.id == closure.id).values(document=document)
    )
    db_session.expire_all()
    result = run_ledger(app, "verify")
    assert result.exit_code == 1
    assert f"Ledger BROKEN at entry {closure.ledger_seq}" in result.output
    assert "concern_closure document differs from its document_sha256" in result.output


def test_a_changed_closing_officer_is_named(db_session, parties):
    _concern, closure = closed(db_session, parties)
    allow_tampering(db_session)
    db_session.execute(
        sa.update(ConcernClosure.__table__).where(ConcernClosure.id == closure.id).values(closed_by_name="Someone else")
    )
    db_session.expire_all()
    statement = statement_in(db_session.get(LedgerEntry, closure.ledger_seq).envelope)
    assert check_closure(db_session, subject_name_for(closure.id), statement) == (
        "concern_closure closed_by_name differs from the signed record"
    )


def test_reopened_and_closed_again_is_a_second_signed_closure(db_session, parties, app):
    concern, first = closed(db_session, parties)
    service.reopen(db_session, concern, parties.officer, "It happened again.", LOGGED_AT + timedelta(days=1))
    assert concern.stage is Stage.ACKNOWLEDGED
    assert [item.id for item in service.closures_of(db_session, concern)] == [first.id]
    assert run_ledger(app, "verify").exit_code == 0


def test_the_concern_page_offers_each_closure_s_proof_of_inclusion(client_request, db_session, parties):
    concern, closure = closed(db_session, parties)
    client_request.login(parties.provider)
    page = client_request.get("concerns.concern", concern_id=concern.id).page
    [link] = page.select(f'a[href="/ledger/entries/{closure.ledger_seq}/inclusion-proof.json"]')
    assert link.get_text(" ", strip=True) == f"Download proof of inclusion of GMF-{closure.ledger_seq:06d}"
    assert client_request.get(link["href"]).get_json()["seq"] == closure.ledger_seq
