"""Every action the portal records has words in the audit trail, and every area's words are its
own: found from the source, so a new action without words fails here."""

import ast
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "covenant_portal"
ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")
RECORDING_CALLS = {"record", "event_row", "_save_section", "_reclaim"}


def recorded_actions() -> set[str]:
    actions = set()
    for path in PACKAGE_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in RECORDING_CALLS:
                    actions |= {
                        arg.value
                        for arg in node.args
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and ACTION.match(arg.value)
                    }
    return actions


def test_the_source_scan_finds_the_actions():
    assert {
        "user.logged_in",
        "covenant.signed",
        "attestation.signed",
        "return.escalated",
        "job_run.taken_over",
    } <= recorded_actions()


def test_every_recorded_action_has_words(app):
    vocabulary = app.extensions["audit_vocabulary"]
    assert sorted(recorded_actions() - vocabulary.actions.keys()) == []
