"""The published keys: /.well-known/gm-first-keys.json, read as it is by securesystemslib, and
`keys rotate`, after which the old key stays published with the time it stopped signing."""

import hashlib
import json
import stat
from datetime import datetime, timedelta

import pytest
from securesystemslib.dsse import Envelope
from sqlalchemy import select

from covenant_portal.audit.models import AuditEvent
from covenant_portal.db import run_start_up_steps, utcnow
from covenant_portal.signing import ledger
from covenant_portal.signing.models import SigningKey
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.signing.records import record_kinds
from covenant_portal.signing.service import KeyRetired, date_key_from, seal, signed_envelope, verify_ledger
from tests.conftest import make_app
from tests.signing.helpers import receipt_of, run_ledger, sign_covenants, sslib_keys, statement_in


@pytest.fixture
def key_file(tmp_path):
    return tmp_path / "keys" / "signing_key.pem"


@pytest.fixture
def app(migrated_engine, database_url, key_file):
    # A key file of the test's own (made at start-up, as in development), so rotating it is harmless.
    return make_app(database_url, SIGNING_KEY_FILE=str(key_file))


def published(client_request) -> dict:
    response = client_request.get("/.well-known/gm-first-keys.json")
    assert response.mimetype == "application/json"
    return response.get_json()


def rotate(app):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["keys", "rotate"])


def test_the_current_key_is_published_at_start_up(app, client_request, db_session):
    assert db_session.scalars(select(SigningKey)).all() == []
    before = client_request.get("/.well-known/gm-first-keys.json").get_json()
    assert before["keys"] == [] and before["checkpoints"]["verifier_keys"] == []  # a page publishes nothing
    assert run_start_up_steps(app)[0] == f"Signing key {portal_key().keyid} published."
    response = client_request.get("/.well-known/gm-first-keys.json")

    [key] = response.get_json()["keys"]
    assert key["keyid"] == portal_key().keyid
    assert key["valid_until"] is None
    assert datetime.fromisoformat(key["valid_from"]) <= utcnow()
    assert db_session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == key["keyid"])) == (
        "signing_key.published"
    )
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_keys_publish_publishes_this_machines_key_once(app, db_session):
    def publish():
        with app.app_context():
            return app.test_cli_runner().invoke(args=["keys", "publish"])

    first, second = publish(), publish()

    assert first.output == f"Signing key {portal_key().keyid} published.\n"
    assert second.output == f"Signing key {portal_key().keyid} already published.\n"
    assert db_session.scalars(select(SigningKey.keyid)).all() == [portal_key().keyid]


def test_each_published_key_is_read_by_securesystemslib_as_it_is(started, client_request, db_session):
    document = published(client_request)
    [key] = document["keys"]
    assert set(key) == {"keyid", "keytype", "scheme", "keyval", "public_key_pem", "valid_from", "valid_until"}
    assert (key["keytype"], key["scheme"]) == ("ed25519", "ed25519")
    raw = bytes.fromhex(key["keyval"]["public"])
    assert len(raw) == 32
    assert key["keyid"] == hashlib.sha256(raw).hexdigest()
    [sslib_key] = sslib_keys(document)
    assert sslib_key.keyid == key["keyid"]
    assert sslib_key.keyval == {"public": raw.hex()}


def test_a_receipt_verifies_with_securesystemslib_and_the_published_keys(client_request, db_session):
    [signature] = sign_covenants(db_session, 1)
    receipt = receipt_of(db_session, signature)

    accepted = Envelope.from_dict(json.loads(receipt)).verify(sslib_keys(published(client_request)), 1)

    assert list(accepted) == [portal_key().keyid]
    assert statement_in(receipt)["subject"][0]["name"] == f"urn:gm-first:covenant-signature:{signature.id}"


def test_rotating_keeps_the_old_key_file_and_publishes_when_it_stopped(app, client_request, db_session, key_file):
    old = portal_key()
    sign_covenants(db_session, 1)

    result = rotate(app)

    assert result.exit_code == 0, result.output
    retired_file = key_file.with_name(f"signing_key.pem.retired-{old.keyid[:16]}")
    assert retired_file.exists() and stat.S_IMODE(retired_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    new = portal_key()  # the running process picks up the new file by itself
    assert new.keyid != old.keyid
    assert f"Retired key {old.keyid}." in result.output
    assert f"New signing key {new.keyid} written to {key_file}." in result.output
    keys = {key["keyid"]: key for key in published(client_request)["keys"]}
    assert set(keys) == {old.keyid, new.keyid}
    assert keys[old.keyid]["valid_until"] is not None
    assert keys[new.keyid]["valid_from"] == keys[old.keyid]["valid_until"]
    assert keys[new.keyid]["valid_until"] is None
    assert len(sslib_keys({"keys": list(keys.values())})) == 2
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "signing_key.rotated")).all()
    assert [(event.object_id, event.details) for event in events] == [(new.keyid, {"retired": old.keyid})]


def test_after_rotating_new_records_use_the_new_key_and_the_whole_ledger_verifies(app, db_session):
    old = portal_key()
    sign_covenants(db_session, 2)
    rotate(app)
    new = portal_key()  # as the signing page asks for the key
    [signature] = sign_covenants(db_session, 1)

    assert new.keyid != old.keyid
    assert Envelope.from_dict(json.loads(receipt_of(db_session, signature))).signatures.keys() == {new.keyid}
    result = run_ledger(app, "verify")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Ledger OK: 3 entries")


def test_a_retired_key_signs_nothing_more(app, db_session):
    old = portal_key()
    rotate(app)
    with pytest.raises(KeyRetired, match=f"The signing key {old.keyid} was retired at "):
        seal(
            db_session,
            old,
            kind="covenant-signature",
            subject_name="urn:gm-first:covenant-signature:1",
            subject_sha256="0" * 64,
            predicate_type="urn:gm-first:predicate:covenant-signature:v1",
            predicate={},
            now=utcnow(),
        )


def test_an_entry_signed_with_a_key_after_it_was_retired_breaks_the_ledger(app, db_session):
    old = portal_key()
    [signature] = sign_covenants(db_session, 1)
    rotate(app)
    # Someone holding the old key file appends behind the portal's back, copying a real statement.
    statement = statement_in(receipt_of(db_session, signature))
    envelope = signed_envelope(
        old,
        statement["subject"][0]["name"],
        statement["subject"][0]["digest"]["sha256"],
        statement["predicateType"],
        statement["predicate"],
    )
    ledger.append(
        db_session, "covenant-signature", statement["subject"][0]["name"], envelope, utcnow() + timedelta(seconds=1)
    )

    result = verify_ledger(db_session, record_kinds())

    assert result.first_bad_seq == 2
    assert result.problem.startswith(f"it was signed with key {old.keyid} after that key was retired at ")


def test_a_key_file_missing_for_an_instant_keeps_the_loaded_key(app, db_session, key_file):
    loaded = portal_key()
    key_file.rename(key_file.with_name("moved-aside.pem"))  # as rotation does, just before the new file
    assert portal_key() is loaded


def test_a_history_made_after_the_fact_dates_the_unused_key_from_its_start(app, client_request, db_session):
    # As seed-demo: the key published as the portal started today, then records dated years back.
    now = utcnow()
    run_start_up_steps(app)
    history_starts = now - timedelta(days=1000)
    with app.app_context():
        assert date_key_from(db_session, portal_key(), now + timedelta(days=1), now) is False  # never forward
        assert date_key_from(db_session, portal_key(), history_starts, now) is True
        sign_covenants(db_session, 1, history_starts + timedelta(days=1))
        # Once anything is signed, the key's date stays as it is.
        assert date_key_from(db_session, portal_key(), history_starts - timedelta(days=1), now) is False

    [key] = published(client_request)["keys"]
    assert datetime.fromisoformat(key["valid_from"]) == history_starts
    assert db_session.scalar(select(AuditEvent.details).where(AuditEvent.action == "signing_key.dated_back")) == {
        "valid_from": ledger.rfc3339(history_starts)
    }
