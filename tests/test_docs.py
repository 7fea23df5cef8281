"""The README tells the truth about the settings."""

from pathlib import Path

from covenant_portal.config import DEFAULTS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_readme_documents_every_setting():
    undocumented = [name for name in DEFAULTS if f"| `FLASK_{name}` |" not in README]
    assert not undocumented, f"settings missing from the README's configuration table: {undocumented}"
