"""tools/witness.py against a running portal: it checks each new checkpoint against the one it kept
with a consistency proof from the tiles, keeps it and cosigns it; the portal keeps cosignatures of
registered witnesses only and serves them with the checkpoint; a log cut short or rewritten is
refused, and nothing is kept or cosigned."""

import os
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

pytestmark = pytest.mark.live

WITNESS = Path(__file__).resolve().parents[2] / "tools" / "witness.py"
NAME = "witness.example.org/bolton"


def witness(*args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_PROXY": "*", "no_proxy": "*"}
    return subprocess.run(
        [sys.executable, str(WITNESS), *args], capture_output=True, text=True, timeout=120, env=environment
    )


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

    def run(self, log_key: str | None = None, key: Path | None = None) -> subprocess.CompletedProcess:
        return witness(
            "run",
            "--portal",
            self.server.base_url,
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
    assert first.stdout.startswith(
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
    assert refused.stderr == (
        "REFUSED: the log was cut short: its checkpoint has 3 entries, but it had 5 when "
        "this witness last checked. Nothing was kept or cosigned.\n"
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
    assert refused.stderr.startswith(
        "REFUSED: the log was rewritten: its tree of 7 entries does not extend the tree of 5 this witness kept"
    )
    assert scene.cosignatures() == 0


def test_a_witness_nobody_registered_is_refused_by_the_portal(scene):
    scene.sign(2)
    result = scene.run()
    assert result.returncode == 2
    assert "The portal answered 403: No cosignature in it verifies with a witness key an admin has registered." in (
        result.stderr
    )
    assert scene.cosignatures() == 0


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
        assert result.stderr.startswith(message)
        assert result.stderr.endswith(". Nothing was fetched, kept or cosigned.\n")
        assert not scene.state.exists()
    scene.state.write_text("garbage\n")
    result = scene.run()
    assert result.returncode == 2
    assert result.stderr.startswith(f"ERROR: --state {scene.state} does not hold a checkpoint signed by the log's key")
    assert scene.state.read_text() == "garbage\n"
    assert scene.cosignatures() == 0
