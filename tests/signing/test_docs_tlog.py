"""docs/signing.md's transparency-log part tells the truth: its example cosigned checkpoint verifies
with the vkeys it gives, and its worked example runs as written against a real portal's files."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from covenant_portal.access import Role
from covenant_portal.signing import note
from tests.conftest import ClientRequest
from tests.factories import create_user
from tests.signing.helpers import run_ledger, sign_covenants

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "signing.md").read_text(encoding="utf-8")
FORMATS = DOC[DOC.index("### The Merkle tree and its checkpoints") : DOC.index("### The signed ledger head")]
EXAMPLE = DOC[DOC.index("## Checking a checkpoint and a proof of inclusion yourself") : DOC.index("## Performance")]


def test_the_example_checkpoint_verifies_with_the_documented_keys():
    text = re.search(r"```\n(covenant\.example\.org\n.*?)```", FORMATS, re.S).group(1)
    log_vkey = re.search(r"The log's vkey `([^`]+)`", FORMATS).group(1)
    witness_vkey = re.search(r"the\nwitness's `([^`]+)`", FORMATS).group(1)
    signed = note.parse_note(text)
    assert note.parse_checkpoint(signed.text) == note.Checkpoint(
        "covenant.example.org", 4, note.unb64("TEt3/j/Gz7kuTTyQta3kLwWaHxEqSYJ/B+27e9RUDns=")
    )
    assert note.signed_by(signed, note.parse_verifier_key(log_vkey))
    timestamp, _line = note.cosigned_at(signed, note.parse_verifier_key(witness_vkey))
    stated = re.search(r"the bytes `(cosignature/v1[^`]+)`", FORMATS).group(1).replace("\\n", "\n")
    assert timestamp == 1764590400 and note.cosignature_message(signed.text, timestamp).decode() == stated


@pytest.fixture
def downloads(app, client_request, db_session, tmp_path):
    [signature] = sign_covenants(db_session, 1)
    (tmp_path / "gm-first-inclusion-proof-GMF-000001.json").write_bytes(
        client_request.get("/ledger/entries/1/inclusion-proof.json").get_data()
    )
    sign_covenants(db_session, 2)
    (tmp_path / "gm-first-keys.json").write_bytes(client_request.get("/.well-known/gm-first-keys.json").get_data())
    (tmp_path / "checkpoint.txt").write_bytes(client_request.get("/checkpoint").get_data())
    admin = ClientRequest(app.test_client())
    admin.login(create_user(db_session, Role.ADMIN))
    (tmp_path / "gm-first-receipt-GMF-000001.json").write_bytes(
        admin.get(f"/covenant/signatures/{signature.id}/receipt").get_data()
    )
    assert run_ledger(app, "export", str(tmp_path / "ledger.jsonl")).exit_code == 0
    return tmp_path


def test_the_worked_example_runs_as_written(downloads):
    [step] = re.findall(r"```python\n(.*?)```", EXAMPLE, re.S)
    result = subprocess.run([sys.executable, "-c", step], cwd=downloads, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "the portal signed a checkpoint of 3 entries\nthe receipt is entry 1 of the checkpoint of 1 entries\n"
    )


def test_the_documented_export_check_passes(downloads):
    command = re.search(r"^python (tools/verify_export\.py .*)$", EXAMPLE, re.M).group(1).split()
    result = subprocess.run(
        [sys.executable, str(ROOT / command[0]), *command[1:]],
        cwd=downloads,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(
        "; consistent with the checkpoint of size 3; entry 1 is in the checkpoint of size 1.\n"
    )


def test_a_receipt_changed_by_a_byte_fails_the_worked_example(downloads):
    receipt = downloads / "gm-first-receipt-GMF-000001.json"
    receipt.write_bytes(receipt.read_bytes().replace(b'"payloadType"', b'"payloadType" '))
    [step] = re.findall(r"```python\n(.*?)```", EXAMPLE, re.S)
    result = subprocess.run([sys.executable, "-c", step], cwd=downloads, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "the proof does not lead from the receipt to the signed root" in result.stderr


def test_a_proof_naming_another_entry_fails_the_worked_example(downloads):
    # The example prints the proof's seq: it must be the entry whose leaf the proof starts from.
    proof = downloads / "gm-first-inclusion-proof-GMF-000001.json"
    proof.write_text(proof.read_text().replace('"seq":1', '"seq":2'))
    [step] = re.findall(r"```python\n(.*?)```", EXAMPLE, re.S)
    result = subprocess.run([sys.executable, "-c", step], cwd=downloads, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "the proof is not of that entry in its checkpoint" in result.stderr
