"""docs/signing.md tells the truth: its worked example runs as written against real portal files,
and its example entry hashes to the value it states."""

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rfc8785

from tests.signing.helpers import receipt_of, run_ledger, sign_covenants, statement_in

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "signing.md").read_text(encoding="utf-8")
WORKED_EXAMPLE = DOC[DOC.index("## Worked example") : DOC.index("## Kinds of record")]
PYTHON_STEPS = re.findall(r"```python\n(.*?)```", WORKED_EXAMPLE, re.S)


@pytest.fixture
def downloads(app, client_request, db_session, tmp_path):
    """The files the worked example has the reader fetch, from a portal with one signature."""
    [signature] = sign_covenants(db_session, 1)
    (tmp_path / "gm-first-keys.json").write_bytes(client_request.get("/.well-known/gm-first-keys.json").get_data())
    (tmp_path / "ledger-head.json").write_bytes(client_request.get("/ledger/head").get_data())
    (tmp_path / "gm-first-receipt-GMF-000001.json").write_bytes(receipt_of(db_session, signature))
    version_url = re.search(r'curl -sS "\$PORTAL(/covenant/versions/1\.json)"', WORKED_EXAMPLE).group(1)
    (tmp_path / "gm-first-covenant-v1.json").write_bytes(client_request.get(version_url).get_data())
    assert run_ledger(app, "export", str(tmp_path / "ledger.jsonl")).exit_code == 0
    return tmp_path


def test_the_worked_example_has_its_steps():
    assert len(PYTHON_STEPS) == 3


@pytest.mark.parametrize("step", range(3))
def test_each_step_of_the_worked_example_runs_as_written(downloads, step):
    result = subprocess.run(
        [sys.executable, "-c", PYTHON_STEPS[step]], cwd=downloads, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout


def test_the_last_step_checks_the_export_and_the_head(downloads):
    command = re.search(r"^python (tools/verify_export\.py .*)$", WORKED_EXAMPLE, re.M).group(1).split()
    result = subprocess.run(
        [sys.executable, str(ROOT / command[0]), *command[1:]],
        cwd=downloads,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 1 entries")


def test_the_documented_entry_hash_input_hashes_to_the_stated_value():
    entry = re.search(r'```json\n(\{"created_at".*?\})\n```', DOC).group(1)
    stated = re.search(r"hash to this entry's\n`entry_hash`, `([0-9a-f]{64})`", DOC).group(1)
    assert rfc8785.dumps(json.loads(entry)) == entry.encode()
    assert hashlib.sha256(entry.encode()).hexdigest() == stated


def test_the_documented_sha256sum_of_the_downloaded_version_is_the_subject_digest(downloads):
    stated = re.search(r"^# ([0-9a-f]{64})  gm-first-covenant-v1\.json$", WORKED_EXAMPLE, re.M).group(1)
    download = (downloads / "gm-first-covenant-v1.json").read_bytes()
    statement = statement_in((downloads / "gm-first-receipt-GMF-000001.json").read_bytes())
    assert hashlib.sha256(download).hexdigest() == stated == statement["subject"][0]["digest"]["sha256"]
