"""tools/witness.py against a running portal: it checks each new checkpoint against the one it kept
with a consistency proof from the tiles, keeps it and cosigns it; the portal keeps cosignatures of
registered witnesses only and serves them with the checkpoint; a log cut short or rewritten is
refused, and nothing is kept or cosigned."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from covenant_portal.access import Role
from covenant_portal.db import get_session, utcnow
from covenant_portal.signing import checkpoints, note
from covenant_portal.signing.models import CheckpointCosignature
from covenant_portal.signing.portal_key import portal_key
from tests.factories import create_user
from tests.signing.helpers import remove_entry, sign_covenants
from tests.smtp_server import free_port

pytestmark = pytest.mark.live

WITNESS = Path(__file__).resolve().parents[2] / "tools" / "witness.py"
NAME = "witness.example.org/bolton"


# Debian 12's own python3 and python3-cryptography (38), as an LA's cron runs the witness (`make
# system-python` installs it).
SYSTEM_PYTHON = "/usr/bin/python3"
DATED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (.*)$")


def witness(*args: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_PROXY": "*", "no_proxy": "*"}
    return subprocess.run([python, str(WITNESS), *args], capture_output=True, text=True, timeout=120, env=environment)


def said(output: str) -> str:
    """What `run` printed, each line's time (UTC, for the cron log) checked and taken off."""
    lines = [DATED.match(line) for line in output.splitlines()]
    assert lines and all(lines), output
    return "\n".join(line.group(1) for line in lines) + "\n"


class Scene:
    def __init__(self, server, tmp_path: Path):
        self.server, self.app = server, server.app
        self.key, self.state = tmp_path / "witness.pem", tmp_path / "state.txt"
        made = witness("keygen", "--name", NAME, "--key", str(self.key))
        assert made.returncode == 0, made.stderr
        self.vkey = made.stdout.strip()
        with self.app.app_context():
            self.log_key = str(checkpoints.verifier_key(portal_key().origin, portal_key().public_key_pem))

    def register(self) -> None:
        with self.app.app_context():
            session = get_session()
            admin = create_user(session, Role.ADMIN)
            session.commit()
            from covenant_portal.audit.service import Actor

            checkpoints.register_witness(session, Actor(admin.id), self.vkey, "Bolton Council", utcnow())

    def sign(self, count: int) -> None:
        with self.app.app_context():
            session = get_session()
            sign_covenants(session, count)
            session.commit()

    def cut_to(self, size: int) -> None:
        """The newest entries go behind the portal's back, with their records, tree and checkpoints."""
        with self.app.app_context():
            session = get_session()
            head = checkpoints.latest(session).tree_size
            for seq in range(head, size, -1):
                remove_entry(session, seq)
            session.commit()

    def run(
        self, log_key: str | None = None, key: Path | None = None, portal: str | None = None
    ) -> subprocess.CompletedProcess:
        return witness(
            "run",
            "--portal",
            portal or self.server.base_url,
            "--log-key",
            log_key or self.log_key,
            "--key",
            str(key or self.key),
            "--name",
            NAME,
            "--state",
            str(self.state),
        )

    def cosignatures(self) -> int:
        with self.app.app_context():
            return get_session().scalar(select(func.count()).select_from(CheckpointCosignature))

    def served(self) -> note.Note:
        import urllib.request

        with urllib.request.urlopen(f"{self.server.base_url}/checkpoint", timeout=30) as response:
            return note.parse_note(response.read())


@pytest.fixture
def scene(live_server, tmp_path):
    return Scene(live_server, tmp_path)


def test_the_witness_checks_keeps_and_cosigns_and_the_portal_serves_the_cosignature(scene):
    scene.register()
    scene.sign(3)
    first = scene.run()
    assert first.returncode == 0, first.stderr
    assert said(first.stdout).startswith(
        f"Cosigned the checkpoint of 3 entries: Kept {NAME}'s cosignature of the checkpoint of size 3"
    )
    served = scene.served()
    witness_key = note.parse_verifier_key(scene.vkey)
    assert note.cosigned_at(served, witness_key) is not None
    assert note.parse_checkpoint(note.parse_note(scene.state.read_text()).text).size == 3
    # The log grows past a full tile: the consistency proof from 3 to 300 comes from the tiles.
    scene.sign(297)
    second = scene.run()
    assert second.returncode == 0, second.stderr
    assert "Cosigned the checkpoint of 300 entries" in second.stdout
    assert scene.cosignatures() == 2
    assert note.cosigned_at(scene.served(), witness_key) is not None


def test_a_log_cut_short_is_refused_and_nothing_is_kept_or_cosigned(scene):
    scene.register()
    scene.sign(5)
    assert scene.run().returncode == 0
    kept = scene.state.read_text()
    scene.cut_to(3)
    refused = scene.run()
    assert refused.returncode == 1
    assert said(refused.stderr) == (
        "REFUSED: the log was cut short: its checkpoint has 3 entries, but it had 5 when this witness last "
        "checked. Nothing was kept or cosigned: tell the portal's operators, and keep the state file as it is "
        "(it is the evidence).\n"
    )
    assert scene.state.read_text() == kept
    assert scene.cosignatures() == 0  # the forger removed the one of size 5, and none was added


def test_a_log_rewritten_and_grown_again_is_refused(scene):
    scene.register()
    scene.sign(5)
    assert scene.run().returncode == 0
    scene.cut_to(3)
    scene.sign(4)  # seven entries, the last four new: longer than before, but not an extension
    refused = scene.run()
    assert refused.returncode == 1
    assert said(refused.stderr).startswith(
        "REFUSED: the log was rewritten: its tree of 7 entries does not extend the tree of 5 this witness kept"
    )
    assert scene.cosignatures() == 0


def test_a_witness_nobody_registered_is_refused_by_the_portal(scene):
    scene.sign(2)
    result = scene.run()
    assert result.returncode == 2
    assert said(result.stderr) == (
        f"ERROR: the portal answered 403 to {scene.server.base_url}/checkpoint/cosignatures: No cosignature in "
        "it verifies with a witness key an admin has registered. Is this witness's key, with the --name it was "
        "made with, the one an admin registered at /admin/witnesses? The checkpoint of 2 entries was checked "
        "and kept, not cosigned.\n"
    )
    assert scene.cosignatures() == 0
    scene.register()  # once an admin has registered it, the next run cosigns
    assert scene.run().returncode == 0 and scene.cosignatures() == 1


def test_a_mistake_in_the_witness_s_own_setup_exits_2_before_anything_is_kept(scene):
    scene.register()
    scene.sign(2)
    for log_key, key, message in [
        ("nonsense", None, "ERROR: --log-key is not an Ed25519 verifier key"),
        (scene.vkey, None, "ERROR: --log-key is not an Ed25519 verifier key"),  # the witness's own key
        (None, scene.state.with_name("missing.pem"), "ERROR: --key "),
    ]:
        result = scene.run(log_key, key)
        assert result.returncode == 2, result.stderr
        assert said(result.stderr).startswith(message)
        assert said(result.stderr).endswith(". Nothing was fetched, kept or cosigned.\n")
        assert not scene.state.exists()
    scene.state.write_text("garbage\n")
    result = scene.run()
    assert result.returncode == 2
    assert said(result.stderr).startswith(
        f"ERROR: --state {scene.state} does not hold a checkpoint signed by the log's key"
    )
    assert scene.state.read_text() == "garbage\n"
    assert scene.cosignatures() == 0


def test_a_name_a_signed_note_cannot_carry_is_refused_before_a_key_is_made(tmp_path):
    # c2sp.org/signed-note: a key name has no spaces and no '+' (a vkey is name+id+key).
    for name in ("witness bolton", "bolton+1", ""):
        made = witness("keygen", "--name", name, "--key", str(tmp_path / "key.pem"))
        assert made.returncode == 2, made.stdout
        assert made.stderr == (
            f"ERROR: --name {name!r} is not a key name: it must be non-empty, without spaces or '+' "
            "(e.g. witness.example.org/bolton). No key was written.\n"
        )
        assert not (tmp_path / "key.pem").exists()


def test_a_wrong_portal_address_is_a_mistake_in_the_setup_not_the_log_s(scene):
    scene.register()
    scene.sign(1)
    base = scene.server.base_url
    with scene.app.app_context():
        origin = portal_key().origin
        other_log = str(checkpoints.verifier_key("another.example.org", portal_key().public_key_pem))
    for portal, log_key, message in [
        (
            base.removeprefix("http://"),
            None,
            f"ERROR: --portal {base.removeprefix('http://')!r} is not the portal's address",
        ),
        (f"{base}/?page=1", None, "ERROR: --portal"),
        (
            f"{base}/portal",
            None,
            (
                f"ERROR: the portal answered 404 to {base}/portal/checkpoint: a web page, not the portal's answer (is "
                "--portal the portal's address?). Nothing was kept or cosigned."
            ),
        ),
        (f"http://127.0.0.1:{free_port()}", None, "ERROR: cannot reach the portal at http://127.0.0.1:"),
        (
            base,
            other_log,
            f"ERROR: {base}/checkpoint is the checkpoint of the log {origin!r}, not of 'another.example.org'",
        ),
    ]:
        result = scene.run(log_key, portal=portal)
        assert result.returncode == 2, result.stderr
        assert said(result.stderr).startswith(message), result.stderr
        assert not scene.state.exists() and scene.cosignatures() == 0


def test_after_a_key_rotation_the_witness_given_both_keys_carries_on(scene, tmp_path):
    # A key file of the test's own (a copy of the run's), so that rotating it is harmless.
    key_file = tmp_path / "portal-key.pem"
    shutil.copy(scene.app.config["SIGNING_KEY_FILE"], key_file)
    with scene.app.app_context():  # the log's name stays as it was when the key reloads (BASE_URL is the server's)
        scene.app.config["LEDGER_ORIGIN"] = portal_key().origin
    scene.app.config["SIGNING_KEY_FILE"] = str(key_file)
    scene.register()
    scene.sign(2)
    assert scene.run().returncode == 0
    with scene.app.app_context():
        assert scene.app.test_cli_runner().invoke(args=["keys", "rotate"]).exit_code == 0
        new_key = str(checkpoints.verifier_key(portal_key().origin, portal_key().public_key_pem))
    scene.sign(1)  # signed, with its checkpoint, by the new key

    only_old = scene.run()
    assert only_old.returncode == 1
    assert "add its new vkey to --log-key, keeping the old" in said(only_old.stderr)
    only_new = scene.run(new_key)
    assert only_new.returncode == 2
    assert "if the portal's key was rotated since, give the old vkey too" in said(only_new.stderr)
    assert "add its new vkey" not in said(only_new.stderr)  # the served checkpoint's advice, backwards here
    both = scene.run(f"{scene.log_key}\n{new_key}\n")  # as `--log-key "$(cat log-keys.txt)"` gives them
    assert both.returncode == 0, both.stderr
    assert said(both.stdout).startswith("Cosigned the checkpoint of 3 entries")


def test_the_witness_runs_on_debian_s_own_python_and_cryptography(scene, tmp_path):
    assert os.access(SYSTEM_PYTHON, os.X_OK), "run `make system-python` (Debian's python3-cryptography)"
    made = witness("keygen", "--name", NAME, "--key", str(tmp_path / "debian.pem"), python=SYSTEM_PYTHON)
    assert made.returncode == 0, made.stderr
    scene.vkey = made.stdout.strip()
    scene.register()
    scene.sign(2)
    result = witness(
        "run",
        "--portal",
        scene.server.base_url,
        "--log-key",
        scene.log_key,
        "--key",
        str(tmp_path / "debian.pem"),
        "--name",
        NAME,
        "--state",
        str(scene.state),
        python=SYSTEM_PYTHON,
    )
    assert result.returncode == 0, result.stderr
    assert said(result.stdout).startswith("Cosigned the checkpoint of 2 entries")
    assert scene.cosignatures() == 1


def test_the_documented_setup_and_cron_line_work_as_written(scene, tmp_path):
    """docs/signing.md's commands, run by sh as cron runs them (Debian's python3, a bare PATH), with
    only the portal's address and the witness's directory changed."""
    doc = (WITNESS.parents[1] / "docs" / "signing.md").read_text()
    section = doc[doc.index("**An LA runs a witness**") : doc.index("**After a `keys rotate`**")]
    setup, cron = re.findall(r"```(?:sh)?\n(.*?)```", section, re.S)
    shutil.copy(WITNESS, tmp_path / "witness.py")  # the `cp` line; apt-get and mkdir need root
    commands = [line for line in setup.splitlines() if not line.startswith(("sudo ", "cp ", "#"))]
    local = {"https://covenant.example.org": scene.server.base_url, "/srv/gm-first-witness": str(tmp_path)}

    def sh(script: str) -> subprocess.CompletedProcess:
        for documented, here in local.items():
            script = script.replace(documented, here)
        environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_PROXY": "*", "no_proxy": "*"}
        return subprocess.run(
            ["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=environment
        )

    scene.sign(2)  # a running portal has published its key
    made = sh("\n".join(commands))
    assert made.returncode == 0, made.stderr
    scene.vkey = made.stdout.strip()
    scene.register()
    [line] = cron.strip().splitlines()
    assert line.startswith("17 6 * * * ")
    ran = sh(line.removeprefix("17 6 * * * "))
    assert ran.returncode == 0, (tmp_path / "witness.log").read_text()
    assert said((tmp_path / "witness.log").read_text()).startswith("Cosigned the checkpoint of 2 entries")
    assert scene.cosignatures() == 1
