"""The ledger as a transparency log, measured: `make bench-tlog` (or `python bench/tlog.py --help`).

In one run, on one machine, in scratch databases (SQLite, and PostgreSQL when reachable):
(a) bare Ed25519 verifications per second per core, with every core verifying at once (a process
    each) and on one core while the others idle; and the CPU count: the baseline;
(b) integrity-only `ledger verify` (chain, tree, checkpoints; no per-entry signature) on a ledger of
    real covenant signatures, in entries per second (the median of three, after one untimed run that
    brings the just-built ledger into the database's buffers and the page cache, so that the runs
    time verification rather than the first read from disk, slower by up to a fifth on a small VM);
(c) full verification with every envelope's signature and statement (`ledger verify --no-records`),
    with a worker process on every core, in entries per second and as a share of cores x the bare
    Ed25519 rate per core measured with every core busy just before and after it (the median of
    three rounds; beside it the share of cores x one idle core's rate); then the same with every
    stored record compared as well (`ledger verify`); and what one worker's checks run at in one
    process, as a share of one idle core's bare rate;
(d) serving an inclusion proof (GET /ledger/proof/inclusion, through the app) from a tree of
    1,000,000 leaves: median and 95th percentile, beside a trivial page of the same app;
(e) memory: the peak Python allocations of integrity-only verification at two ledger sizes.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from signing import (  # noqa: E402
    START,
    ScratchDatabases,
    build_ledger,
    ed25519_baseline,
    ed25519_baseline_all_cores,
    fresh_app,
    without_record_checks,
)

from covenant_portal.db import get_session  # noqa: E402
from covenant_portal.signing import entry_ranges, merkle  # noqa: E402
from covenant_portal.signing.checkpoints import sign_checkpoint  # noqa: E402
from covenant_portal.signing.models import LedgerEntry, LedgerTreeNode  # noqa: E402
from covenant_portal.signing.portal_key import portal_key  # noqa: E402
from covenant_portal.signing.records import record_kinds
from covenant_portal.signing.service import publish_key, verify_ledger, verifying_keys  # noqa: E402

PROOF_LEAVES = 1_000_000
TRIVIAL_PAGE = "/accessibility"  # what any request costs this app on this machine, for comparison
BATCH = 20_000


def timed(portal, kinds=None, **options) -> tuple[float, int]:
    with portal.app_context():
        began = time.perf_counter()
        result = verify_ledger(get_session(), kinds or record_kinds(), origin=portal_key().origin, **options)
        elapsed = time.perf_counter() - began
    assert result.ok, result.problem
    return elapsed, result.entries


class Shares:
    """A verification's rate beside cores x the bare Ed25519 rate per core, in rounds: each round
    measures that rate with every core verifying at once just before and just after one
    verification, since on a shared machine the CPU left to this run drifts from one minute to the
    next. The median round is reported."""

    def __init__(self, app, run, rounds: int):
        self.cores = os.cpu_count() or 1
        self.rounds = []  # (entries per second, bare rate per core with every core busy)
        for _ in range(rounds):
            before = ed25519_baseline_all_cores(app)
            seconds, entries = run()
            self.rounds.append((entries / seconds, (before + ed25519_baseline_all_cores(app)) / 2))

    def median(self) -> tuple[float, float, float]:
        """(entries per second, bare rate per core, share) of the median round by share."""
        by_share = sorted((rate / (self.cores * bare), rate, bare) for rate, bare in self.rounds)
        share, rate, bare = by_share[len(by_share) // 2]
        return rate, bare, share

    def each(self) -> str:
        return ", ".join(f"{rate / (self.cores * bare):.0%}" for rate, bare in self.rounds)


def one_worker_rate(app, kinds, baseline: float) -> float:
    """What one worker checks a second (every check of a full verification, in one process), as a
    share of one core's bare Ed25519 rate: the figure the machine's other load does not move."""
    with app.app_context():
        session = get_session()
        connection, size = session.connection(), session.scalar(sa.select(sa.func.max(LedgerEntry.seq)))
        keys = entry_ranges.key_pairs(verifying_keys(session))
        began = time.perf_counter()
        check = entry_ranges.check_range(connection, session, 0, size, set(), keys, kinds, app)
        elapsed = time.perf_counter() - began
        assert check.problem is None, check.problem
    return size / elapsed / baseline


def peak_memory(app) -> int:
    """Peak bytes Python allocated during an integrity-only verification, in this process alone (as
    each worker does for its range: tracemalloc would not see the workers' allocations)."""
    tracemalloc.start()
    try:
        timed(app, integrity_only=True, workers=0)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def build_tree_only(app, leaves: int) -> None:
    """A tree of `leaves` synthetic leaves and its checkpoint: what serving a proof reads (the ledger's
    own rows are not read to serve one)."""
    with app.app_context():
        session, key = get_session(), portal_key()
        publish_key(session, key, START)
        builder, nodes = merkle.TreeBuilder(), []
        for index in range(leaves):
            nodes += [
                {"level": level, "idx": idx, "hash": value}
                for level, idx, value in builder.push(merkle.leaf_hash(index.to_bytes(8, "big")))
            ]
            if len(nodes) >= BATCH:
                session.execute(sa.insert(LedgerTreeNode), nodes)
                nodes = []
        session.execute(sa.insert(LedgerTreeNode), nodes)
        sign_checkpoint(session, key, key.origin, leaves, builder.root(), START)
        session.commit()


def proof_timings(app, leaves: int, requests: int, path: str = "/ledger/proof/inclusion?seq={seq}") -> list[float]:
    client, timings = app.test_client(), []
    picks = random.Random(6962)
    for number in range(requests + 20):
        seq = picks.randint(1, leaves)
        began = time.perf_counter()
        response = client.get(path.format(seq=seq))
        elapsed = time.perf_counter() - began
        assert response.status_code == 200, response.get_data(as_text=True)
        if number >= 20:  # the first few warm caches and connections
            timings.append(elapsed)
    return timings


def report(kind: str, databases: ScratchDatabases, workdir: Path, arguments) -> None:
    print(f"== {kind} ==")
    app = fresh_app(databases.new(kind, "tlog"), workdir)
    began = time.perf_counter()
    build_ledger(app, arguments.entries)
    print(f"ledger of {arguments.entries:,} covenant signatures built in {time.perf_counter() - began:.0f} s")
    cores = os.cpu_count() or 1
    timed(app, integrity_only=True)  # untimed: see (b) in the module's docstring
    integrity = sorted(entries / seconds for seconds, entries in (timed(app, integrity_only=True) for _ in range(3)))
    alone = ed25519_baseline(app, 1.0)
    log_kinds = without_record_checks(app)
    log_only = Shares(app, lambda: timed(app, kinds=log_kinds), arguments.rounds)
    with_records = Shares(app, lambda: timed(app, app=app), arguments.rounds)
    rate, bare, share = log_only.median()
    print(f"    (load average now {os.getloadavg()[0]:.1f} on {cores} CPUs)")
    print(
        f"(a) bare Ed25519 verify: {bare:,.0f}/s per core with all {cores} cores verifying at once "
        f"(x {cores} = {cores * bare:,.0f}/s); {alone:,.0f}/s on one core while the others idle"
    )
    print(
        f"(b) integrity-only verify (chain, tree, checkpoint)  {integrity[1]:10,.0f} entries/s"
        f"  (goal 200,000; median of 3: {', '.join(f'{each:,.0f}' for each in integrity)})"
    )
    print(
        f"(c) full verify, every signature and statement     {rate:10,.0f} entries/s  = {share:.0%} of cores x bare"
        f" Ed25519 (goal 80%; rounds: {log_only.each()}); {rate / (cores * alone):.0%} of cores x one idle core's rate"
        "  [ledger verify --no-records]"
    )
    rate, bare, share = with_records.median()
    print(
        f"    ... and every stored record compared as well     {rate:10,.0f} entries/s  = {share:.0%} "
        f"(rounds: {with_records.each()})  [ledger verify]"
    )
    one, one_bare = one_worker_rate(app, record_kinds(app), alone), one_worker_rate(app, log_kinds, alone)
    print(
        f"    one worker's rate, in one process, as a share of one core's bare Ed25519: {one:.0%} with the "
        f"records, {one_bare:.0%} without (what (c) approaches when no other process wants the CPUs)"
    )
    small = fresh_app(databases.new(kind, "memory"), workdir)
    build_ledger(small, arguments.entries // 4)
    print(
        f"(e) peak memory of integrity-only verify: {peak_memory(small) / 1e6:.1f} MB at "
        f"{arguments.entries // 4:,} entries, {peak_memory(app) / 1e6:.1f} MB at {arguments.entries:,}"
    )
    proofs = fresh_app(databases.new(kind, "proofs"), workdir)
    began = time.perf_counter()
    build_tree_only(proofs, arguments.proof_leaves)
    built = time.perf_counter() - began
    timings = sorted(proof_timings(proofs, arguments.proof_leaves, arguments.requests))
    trivial = statistics.median(proof_timings(proofs, arguments.proof_leaves, arguments.requests, TRIVIAL_PAGE))
    print(
        f"(d) inclusion proof from a tree of {arguments.proof_leaves:,} leaves (built in {built:.0f} s): median "
        f"{statistics.median(timings) * 1000:.2f} ms, p95 {timings[int(len(timings) * 0.95)] * 1000:.2f} ms over "
        f"{len(timings)} requests (goal < 10 ms); a trivial page ({TRIVIAL_PAGE}) of the same app: median "
        f"{trivial * 1000:.2f} ms\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000, help="ledger size for (b), (c), (e)")
    parser.add_argument("--proof-leaves", type=int, default=PROOF_LEAVES, help="tree size for (d)")
    parser.add_argument("--requests", type=int, default=500, help="inclusion proofs timed in (d)")
    parser.add_argument("--rounds", type=int, default=3, help="full verifications timed in (c), each way")
    parser.add_argument("--sqlite-only", action="store_true", help="do not try PostgreSQL")
    arguments = parser.parse_args()
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
    with tempfile.TemporaryDirectory(prefix="gm-first-bench-tlog-") as directory:
        databases = ScratchDatabases(Path(directory), not arguments.sqlite_only)
        try:
            for kind in databases.kinds:
                report(kind, databases, Path(directory), arguments)
        finally:
            databases.drop()


if __name__ == "__main__":
    main()
