"""Checkpoints signed before `keys rotate` stay verifiable: with the retired key's published verifier
key, and by `ledger verify --checkpoint`; later checkpoints are signed with the new key."""

import pytest

from covenant_portal.signing import note
from covenant_portal.signing.portal_key import portal_key
from tests.conftest import make_app
from tests.signing.helpers import sign_covenants
from tests.signing.test_truncation import saved_checkpoint, verify_against


@pytest.fixture
def app(migrated_engine, database_url, tmp_path):
    # A key file of the test's own, so rotating it is harmless.
    return make_app(database_url, SIGNING_KEY_FILE=str(tmp_path / "keys" / "signing_key.pem"))


def test_a_checkpoint_saved_before_a_key_rotation_still_verifies(app, client_request, db_session, tmp_path):
    sign_covenants(db_session, 2)
    path = saved_checkpoint(client_request, tmp_path)
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["keys", "rotate"]).exit_code == 0
    portal_key()  # this process notices the new key file, as a running portal does at its next signature
    sign_covenants(db_session, 2)
    newer = note.parse_note(client_request.get("/checkpoint").get_data())
    assert newer.signatures[0].key_id != note.parse_note(path.read_bytes()).signatures[0].key_id
    result = verify_against(app, path)
    assert result.exit_code == 0, result.output
    keys = client_request.get("/.well-known/gm-first-keys.json").get_json()["checkpoints"]["verifier_keys"]
    assert len(keys) == 2 and keys[0]["valid_until"] is not None
    old, new = (note.parse_verifier_key(key["vkey"]) for key in keys)
    assert note.signed_by(note.parse_note(path.read_bytes()), old)
    assert note.signed_by(newer, new) and not note.signed_by(newer, old)


def test_a_checkpoint_larger_than_any_the_retired_key_signed_is_refused(app, client_request, db_session, tmp_path):
    # A checkpoint carries no signing time: one made with a retired (say stolen) key after its
    # retirement must not read as the portal's, nor as "the ledger has been cut short".
    sign_covenants(db_session, 2)
    old_key, origin = portal_key(), portal_key().origin
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["keys", "rotate"]).exit_code == 0
    portal_key()
    sign_covenants(db_session, 2)
    genuine = note.parse_checkpoint(note.parse_note(client_request.get("/checkpoint").get_data()).text)
    for size, root in ((4, genuine.root_hash), (9, b"\x01" * 32)):
        body = note.Checkpoint(origin, size, root).text
        path = tmp_path / f"forged-{size}.txt"
        path.write_text(str(note.Note(body, (note.sign_note(body, origin, old_key.private_key),))))
        result = verify_against(app, path)
        assert result.exit_code == 1, result.output
        assert f"Ledger BROKEN: {path} is signed by key {old_key.keyid}, retired at " in result.output
        assert (
            f"but covers {size} entries, more than any checkpoint of that key's the portal keeps (2): either it "
            "was not signed by the portal before the key was retired, or the portal's own checkpoints were cut "
            "short too.\n"
        ) in result.output
