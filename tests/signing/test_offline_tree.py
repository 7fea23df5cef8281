"""tools/verify_export.py recomputes the Merkle tree from the export and checks checkpoints and
proofs of inclusion offline; tools/witness.py, like it, uses no portal code."""

import ast
import json
import sys
from pathlib import Path

from tests.signing.helpers import remove_entry, run_ledger, sign_covenants
from tests.signing.test_offline_verifier import verify_offline

TOOLS = Path(__file__).resolve().parents[2] / "tools"


def imports_of(path: Path) -> set[str]:
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    return imported - set(sys.stdlib_module_names)


def test_the_witness_uses_nothing_but_the_standard_library_and_cryptography():
    assert imports_of(TOOLS / "witness.py") == {"cryptography"}


def download(app, client_request, db_session, files: Path) -> None:
    (files / "keys.json").write_bytes(client_request.get("/.well-known/gm-first-keys.json").get_data())
    assert run_ledger(app, "export", str(files / "ledger.jsonl")).exit_code == 0


def test_checkpoints_and_proofs_verify_against_the_export(app, client_request, db_session, tmp_path):
    sign_covenants(db_session, 3)
    (tmp_path / "checkpoint-3.txt").write_bytes(client_request.get("/checkpoint").get_data())
    (tmp_path / "proof-2.json").write_bytes(client_request.get("/ledger/entries/2/inclusion-proof.json").get_data())
    sign_covenants(db_session, 3)
    (tmp_path / "checkpoint-6.txt").write_bytes(client_request.get("/checkpoint").get_data())
    download(app, client_request, db_session, tmp_path)
    result = verify_offline(
        tmp_path,
        "--checkpoint",
        str(tmp_path / "checkpoint-3.txt"),
        "--checkpoint",
        str(tmp_path / "checkpoint-6.txt"),
        "--proof",
        str(tmp_path / "proof-2.json"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(
        "; consistent with the checkpoint of size 3; consistent with the checkpoint of "
        "size 6; entry 2 is in the checkpoint of size 3.\n"
    )


def test_an_export_cut_short_or_rewritten_fails_against_a_checkpoint(app, client_request, db_session, tmp_path):
    sign_covenants(db_session, 3)
    (tmp_path / "checkpoint.txt").write_bytes(client_request.get("/checkpoint").get_data())
    remove_entry(db_session, 3)
    download(app, client_request, db_session, tmp_path)
    result = verify_offline(tmp_path, "--checkpoint", str(tmp_path / "checkpoint.txt"))
    assert result.returncode == 1
    assert (
        "the export has 2 entries, but the checkpoint covers 3: the ledger was cut short (unless the export was "
        "made before the checkpoint was signed: check a newer export)"
    ) in result.stderr
    sign_covenants(db_session, 2)  # a new entry 3 (and 4): the chain is valid again
    download(app, client_request, db_session, tmp_path)
    assert verify_offline(tmp_path).returncode == 0
    result = verify_offline(tmp_path, "--checkpoint", str(tmp_path / "checkpoint.txt"))
    assert result.returncode == 1
    assert "the export's first 3 entries do not hash to the checkpoint's root" in result.stderr


def test_a_proof_of_another_entry_or_a_forged_checkpoint_fails(app, client_request, db_session, tmp_path):
    sign_covenants(db_session, 3)
    proof = client_request.get("/ledger/proof/inclusion?seq=2").get_json()
    download(app, client_request, db_session, tmp_path)
    (tmp_path / "wrong.json").write_text(json.dumps({**proof, "seq": 3, "leafIndex": 2}))
    result = verify_offline(tmp_path, "--proof", str(tmp_path / "wrong.json"))
    assert result.returncode == 1 and "its hashes do not lead from entry 3's receipt" in result.stderr
    (tmp_path / "index.json").write_text(json.dumps({**proof, "leafIndex": 0}))
    result = verify_offline(tmp_path, "--proof", str(tmp_path / "index.json"))
    assert (
        result.returncode == 1
        and ("its seq 2, leafIndex 0 and treeSize 3 do not agree with its checkpoint of size 3 (leafIndex is seq - 1")
        in result.stderr
    )
    forged = proof["checkpoint"].replace("\n3\n", "\n2\n", 1)  # the portal's signature kept
    (tmp_path / "forged.txt").write_text(forged)
    result = verify_offline(tmp_path, "--checkpoint", str(tmp_path / "forged.txt"))
    assert (
        result.returncode == 1
        and (
            "the checkpoint carries a published key's signature, but it does not verify: its text or that signature "
            "was changed after it was signed"
        )
        in result.stderr
    )


def test_a_file_that_is_not_what_it_should_be_is_named_with_exit_2_and_no_traceback(
    app, client_request, db_session, tmp_path
):
    sign_covenants(db_session, 2)
    download(app, client_request, db_session, tmp_path)
    checkpoint = client_request.get("/checkpoint").get_data()
    (tmp_path / "utf16.txt").write_bytes("localhost\n2\n".encode("utf-16"))
    (tmp_path / "crlf.txt").write_bytes(checkpoint.replace(b"\n", b"\r\n"))
    (tmp_path / "words.txt").write_text("not a checkpoint")
    (tmp_path / "blank-at-end.txt").write_bytes(checkpoint + b"\n")
    (tmp_path / "not-a-proof.json").write_text('{"hello": "world"}')
    for option, name, reason in [
        ("--checkpoint", "utf16.txt", "it is not a checkpoint: the note is not UTF-8 text"),
        # As `ledger verify --checkpoint` refuses it: a note's lines end in LF alone.
        ("--checkpoint", "crlf.txt", "it is not a checkpoint: the note holds control characters"),
        ("--checkpoint", "words.txt", "it is not a checkpoint: a note is its text, a blank line, then its signature"),
        ("--checkpoint", "blank-at-end.txt", "it is not a checkpoint: it has no signature lines after its last blank"),
        ("--proof", "not-a-proof.json", "it is not a proof of inclusion (a JSON object with seq and checkpoint)"),
    ]:
        result = verify_offline(tmp_path, option, str(tmp_path / name))
        assert result.returncode == 2, result.stderr
        assert f"{tmp_path / name} cannot be read: {reason}" in result.stderr
        assert "Traceback" not in result.stderr
    export = tmp_path / "ledger.jsonl"
    lines = export.read_bytes().splitlines(keepends=True)
    export.write_bytes(lines[0] + b"\xff" + lines[1])
    result = verify_offline(tmp_path)
    assert result.returncode == 1 and "BROKEN at entry 2: 'utf-8' codec can't decode byte 0xff" in result.stderr
