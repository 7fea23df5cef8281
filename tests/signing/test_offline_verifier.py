"""An auditor checks a ledger export offline with tools/verify_export.py, which knows nothing of the
portal: only the export, the published keys document and, if kept, a signed ledger head."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.signing.helpers import remove_entry, run_ledger, sign_covenants

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_export.py"


@pytest.fixture
def audit_files(app, client_request, db_session, tmp_path):
    """What an auditor downloads: the head and keys now, then the export after more signings."""
    sign_covenants(db_session, 2)
    (tmp_path / "head.json").write_bytes(client_request.get("/ledger/head").get_data())
    sign_covenants(db_session, 2)
    (tmp_path / "keys.json").write_bytes(client_request.get("/.well-known/gm-first-keys.json").get_data())
    assert run_ledger(app, "export", str(tmp_path / "ledger.jsonl")).exit_code == 0
    return tmp_path


def verify_offline(files: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOL), str(files / "ledger.jsonl"), str(files / "keys.json"), *extra],
        capture_output=True,
        text=True,
        timeout=60,
    )


def rewrite_line(files: Path, seq: int, change) -> None:
    path = files / "ledger.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    change(lines[seq - 1])
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))


def test_the_tool_uses_nothing_but_the_standard_library_cryptography_and_rfc8785():
    imported = set()
    for node in ast.walk(ast.parse(TOOL.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported - set(sys.stdlib_module_names) == {"cryptography", "rfc8785"}


def test_an_intact_export_verifies_offline_with_the_head_kept_earlier(audit_files, db_session):
    result = verify_offline(audit_files, "--head", str(audit_files / "head.json"))
    assert result.returncode == 0, result.stderr
    head = json.loads((audit_files / "ledger.jsonl").read_text().splitlines()[-1])["entry_hash"]
    assert result.stdout.startswith(f"OK: 4 entries, head {head}; it holds the 2 entries of the head signed at ")


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda line: line.update(subject=line["subject"] + "9"), "its entry_hash does not match its fields"),
        (lambda line: line.update(created_at="2020-01-01T00:00:00.000000Z"), "its entry_hash does not match"),
        (
            lambda line: line["envelope"].update(payload=line["envelope"]["payload"][:-8] + "AAAAAAA="),
            "its envelope does not match its envelope_sha256",
        ),
        (lambda line: line.update(prev_hash="0" * 64), "its prev_hash is not the previous entry's entry_hash"),
        (lambda line: line.update(seq=5), "expected entry 3 here, found 5"),
    ],
    ids=["subject", "created_at", "envelope", "prev_hash", "seq"],
)
def test_a_changed_export_line_is_named(audit_files, change, problem):
    rewrite_line(audit_files, 3, change)
    result = verify_offline(audit_files)
    assert result.returncode == 1
    assert result.stderr.startswith(f"BROKEN at entry 3: {problem}")


def test_an_export_missing_what_the_signed_head_covered_is_refused(audit_files):
    lines = (audit_files / "ledger.jsonl").read_text().splitlines()
    (audit_files / "ledger.jsonl").write_text(lines[0] + "\n")  # entries 2 to 4 are gone
    result = verify_offline(audit_files, "--head", str(audit_files / "head.json"))
    assert result.returncode == 1
    assert result.stderr.startswith(
        "BROKEN at entry 2: the export lacks it, yet the signed head of 2 entries covers it"
    )


def test_a_ledger_rewritten_since_the_signed_head_is_refused(app, client_request, db_session, tmp_path):
    sign_covenants(db_session, 2)
    (tmp_path / "head.json").write_bytes(client_request.get("/ledger/head").get_data())
    # Entry 2 is removed behind the portal's back and another signed in its place: a valid chain.
    remove_entry(db_session, 2)
    sign_covenants(db_session, 1)
    (tmp_path / "keys.json").write_bytes(client_request.get("/.well-known/gm-first-keys.json").get_data())
    assert run_ledger(app, "export", str(tmp_path / "ledger.jsonl")).exit_code == 0

    assert verify_offline(tmp_path).returncode == 0
    result = verify_offline(tmp_path, "--head", str(tmp_path / "head.json"))
    assert result.returncode == 1
    assert result.stderr.startswith(
        "BROKEN at entry 2: its entry_hash is not the one the signed head of 2 entries names"
    )


def test_a_key_document_with_a_wrong_keyid_is_refused(audit_files):
    keys = json.loads((audit_files / "keys.json").read_text())
    keys["keys"][0]["keyid"] = "ab" * 32
    (audit_files / "keys.json").write_text(json.dumps(keys))
    result = verify_offline(audit_files)
    assert result.returncode == 1
    assert "is not the SHA-256 of its public key" in result.stderr


def test_a_file_given_for_the_keys_or_the_head_that_is_not_one_exits_2_naming_it(audit_files):
    proof = audit_files / "proof.json"
    proof.write_text(json.dumps({"seq": 1, "hashes": [], "checkpoint": "x"}))
    for extra, keys, said in [
        ((), proof, "it is not the portal's keys document (/.well-known/gm-first-keys.json): it has no list of keys"),
        ((), audit_files / "ledger.jsonl", "it is not the portal's keys document"),
        (("--head", str(audit_files / "keys.json")), audit_files / "keys.json", "it is not a signed ledger head"),
        (("--head", str(audit_files / "ledger.jsonl")), audit_files / "keys.json", "it is not a signed ledger head"),
    ]:
        result = subprocess.run(
            [sys.executable, str(TOOL), str(audit_files / "ledger.jsonl"), str(keys), *extra],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2, result.stderr
        assert said in result.stderr and "Traceback" not in result.stderr
