"""bench/observatory.py runs (at a tiny scale, on SQLite) and prints what it promises."""

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "observatory.py"


def test_the_bench_runs_at_a_tiny_scale(app):
    result = subprocess.run(
        [sys.executable, str(BENCH), "--providers", "40", "--authorities", "15", "--requests", "3", "--sqlite-only"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "15 LAs, 40 providers, 12 quarters" in out
    for page in ("GET /observatory (GM overview)", "GET /observatory/local-authorities/<Bolton>"):
        assert f"{page}" in out and "ratio to the trivial page" in out
    # each page: its first request, p50, p95 and the queries of a request once the figures are kept
    timed = [
        re.search(r"first .* p50 .* p95 .* (\d+) queries +\d+ KB", line)
        for line in out.splitlines()
        if "GET /" in line and "first" in line
    ]
    assert len(timed) == 3 and all(timed)
    overview, la_page, trivial = (int(found.group(1)) for found in timed)
    # The LA page adds one query or so for each area's pledge figures (Area.la_pledge_figures), a
    # number fixed by the areas, not by the data.
    producers = len(app.extensions["la_pledge_figures"])
    assert overview <= 5 and la_page <= 5 + 2 * producers and trivial <= 2
