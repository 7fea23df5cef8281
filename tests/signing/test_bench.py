"""bench/signing.py and bench/tlog.py (`make bench`) run at a tiny scale, on SQLite, and print what
they promise: a bench that no longer runs says nothing about speed."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(autouse=True)
def once_a_run(request):
    """The benches make scratch databases of their own, whichever database the suite runs on: run
    them once, in the SQLite part."""
    if request.config.getoption("--db") != "sqlite":
        pytest.skip("the benches run once a CI run, in the SQLite part")


def run_bench(name: str, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCH / name), "--sqlite-only", *arguments], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_signing_bench_runs_at_a_tiny_scale():
    out = run_bench("signing.py", "--entries", "300", "--records", "20")
    assert "added per record" in out
    assert "... without the stored-record comparisons" in out
    assert "Ledger OK: 300 entries, head " in out


def test_the_transparency_log_bench_runs_at_a_tiny_scale():
    out = run_bench("tlog.py", "--entries", "300", "--proof-leaves", "300", "--requests", "5", "--rounds", "1")
    for promised in (
        "(a) bare Ed25519 verify: ",
        "(b) integrity-only verify (chain, tree, checkpoint)",
        "(c) full verify, every signature and statement",
        "[ledger verify --no-records]",
        "... and every stored record compared as well",
        "(d) inclusion proof from a tree of 300 leaves",
        "(e) peak memory of integrity-only verify",
    ):
        assert promised in out, out
