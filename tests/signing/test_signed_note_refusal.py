"""c2sp.org/signed-note: "If a signature from a known key fails to verify, clients SHOULD reject the
whole note." A note whose portal signature verifies, but which carries a second line by the same key
(same name and key ID) that does not, is refused by note.signed_by, `ledger verify --checkpoint`, the
kept-checkpoint checks, the witness submission, tools/witness.py and tools/verify_export.py; lines by
keys nobody knows are still ignored."""

import importlib.util
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from covenant_portal.signing import note
from covenant_portal.signing.models import CheckpointCosignature
from tests.signing.helpers import run_ledger, sign_covenants
from tests.signing.test_kept_checkpoints import kept_note, replace_checkpoint
from tests.signing.test_offline_tree import download
from tests.signing.test_offline_verifier import verify_offline
from tests.signing.test_witness_keys import register, witness_key

REFUSED = "does not verify, so the whole note is refused (signed-note)"


def with_a_bad_line(text: str | bytes, index: int = 0) -> str:
    """The note with a line added by the same key as its `index`th line, whose signature fails."""
    signed = note.parse_note(text)
    line = signed.signatures[index]
    return str(note.Note(signed.text, (*signed.signatures, note.NoteSignature(line.name, line.key_id, b"\x07" * 64))))


def with_a_stranger_s_line(text: str | bytes) -> str:
    signed = note.parse_note(text)
    stranger = note.sign_note(signed.text, "stranger.example", Ed25519PrivateKey.generate())
    return str(
        note.Note(signed.text, (*signed.signatures, note.NoteSignature(stranger.name, stranger.key_id, b"\x07" * 64)))
    )


def portal_vkey(client_request) -> note.VerifierKey:
    keys = client_request.get("/.well-known/gm-first-keys.json").get_json()["checkpoints"]["verifier_keys"]
    return note.parse_verifier_key(keys[-1]["vkey"])


def test_signed_by_refuses_a_note_with_a_failing_line_by_the_key_but_ignores_strangers(client_request, db_session):
    sign_covenants(db_session, 2)
    served = client_request.get("/checkpoint").get_data()
    vkey = portal_vkey(client_request)
    assert note.signed_by(note.parse_note(served), vkey)
    doubled = note.parse_note(with_a_bad_line(served))
    assert not note.signed_by(doubled, vkey)
    assert note.refused_by(doubled, vkey) == vkey
    assert note.refusal(vkey) == f"a signature by {vkey.name} in it {REFUSED}"
    stranger = note.parse_note(with_a_stranger_s_line(served))
    assert note.signed_by(stranger, vkey) and note.refused_by(stranger, vkey) is None


def test_ledger_verify_refuses_a_saved_checkpoint_with_a_failing_line_by_the_portal_s_key(
    app, client_request, db_session, tmp_path
):
    sign_covenants(db_session, 2)
    served = client_request.get("/checkpoint").get_data()
    path = tmp_path / "checkpoint.txt"
    path.write_text(with_a_bad_line(served))
    result = run_ledger(app, "verify", "--checkpoint", str(path))
    assert result.exit_code == 1, result.output
    assert f"{path} is refused: one of the portal's signatures in it verifies, but a signature by " in result.output
    assert REFUSED in result.output
    path.write_text(with_a_stranger_s_line(served))
    assert run_ledger(app, "verify", "--checkpoint", str(path)).exit_code == 0


def test_a_kept_checkpoint_with_a_failing_line_by_the_portal_s_key_is_refused(app, db_session):
    sign_covenants(db_session, 3)
    replace_checkpoint(db_session, 2, with_a_bad_line(kept_note(db_session, 2)))
    result = run_ledger(app, "verify")
    assert result.exit_code == 1, result.output
    assert "the portal's checkpoint of size 2 is refused: a signature by " in result.output
    assert REFUSED in result.output


def test_a_cosigned_checkpoint_with_a_failing_line_by_the_witness_is_refused_whole(app, client_request, db_session):
    sign_covenants(db_session, 1)
    private, vkey = witness_key()
    register(client_request, db_session, vkey)
    served = note.parse_note(client_request.get("/checkpoint").get_data())
    cosigned = str(
        served.with_signatures([note.cosign(served.text, "witness.example.org/wigan", private, int(time.time()))])
    )
    body = with_a_bad_line(cosigned, index=1)
    answer = app.test_client().post("/checkpoint/cosignatures", data=body.encode(), content_type="text/plain")
    assert answer.status_code == 403
    assert answer.get_data(as_text=True).strip() == (
        f"Nothing was kept: a signature by witness.example.org/wigan in it {REFUSED}."
    )
    assert db_session.scalars(sa.select(CheckpointCosignature)).all() == []


def test_verify_export_refuses_a_checkpoint_with_a_failing_line_by_a_published_key(
    app, client_request, db_session, tmp_path
):
    sign_covenants(db_session, 2)
    served = client_request.get("/checkpoint").get_data()
    download(app, client_request, db_session, tmp_path)
    (tmp_path / "doubled.txt").write_text(with_a_bad_line(served))
    result = verify_offline(tmp_path, "--checkpoint", str(tmp_path / "doubled.txt"))
    assert result.returncode == 1 and REFUSED in result.stderr, result.stderr
    (tmp_path / "stranger.txt").write_text(with_a_stranger_s_line(served))
    assert verify_offline(tmp_path, "--checkpoint", str(tmp_path / "stranger.txt")).returncode == 0


def test_the_witness_refuses_a_checkpoint_with_a_failing_line_by_the_log_s_key(client_request, db_session):
    spec = importlib.util.spec_from_file_location("witness", Path(__file__).parents[2] / "tools" / "witness.py")
    witness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(witness)
    sign_covenants(db_session, 2)
    served = client_request.get("/checkpoint").get_data(as_text=True)
    vkeys = witness.parse_vkeys([str(portal_vkey(client_request))])
    assert witness.verified_checkpoint(served, vkeys)[1] == 2
    assert witness.verified_checkpoint(with_a_stranger_s_line(served), vkeys)[1] == 2
    with pytest.raises(witness.Refused, match=r"in it does not verify, so the whole note is refused \(signed-note\)$"):
        witness.verified_checkpoint(with_a_bad_line(served), vkeys)
