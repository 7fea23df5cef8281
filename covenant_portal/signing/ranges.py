"""The ledger checked in ranges of seq, each in a worker process that reads its range from the
database itself (nothing is pickled through this process but each range's short result), and the
ranges' results stitched together: the links between them, and the Merkle tree from their subtrees.

Workers read committed data through connections of their own, so they are used only when the
caller's session is bound to an engine (as in `ledger verify`); a session on a connection in a
transaction of its own (the tests') is checked in this process, where its uncommitted rows are seen.
An integrity-only check on PostgreSQL, where the server does the hashing, uses threads of this
process instead (this one checking ranges too: shared_out).
"""

import gc
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor

import sqlalchemy as sa
from sqlalchemy.orm import Session

from covenant_portal.signing import hashed_scan, merkle, scan
from covenant_portal.signing.models import GENESIS_HASH, LedgerEntry

LEDGER = LedgerEntry.__table__
# Integrity-only verification runs at well over 100,000 entries a second in one process: workers
# (each about a second to start) pay only on a longer ledger.
INTEGRITY_PARALLEL_FROM_ENTRIES = 50_000
# Ranges per worker: ranges start at multiples of a power of two, so with one range a worker the
# last could be far shorter than the others (50,000 entries split 32,768 and 17,232), and workers
# that finish early idle; with many, each takes the next as it finishes, and they end together.
RANGES_PER_WORKER = 16


def split(head: int, parts: int) -> list[tuple[int, int]]:
    """(lo, hi] ranges covering seq 1..head, each starting at a multiple of one power of two at least
    as large as any range, so that each range's complete subtrees are nodes of the whole tree."""
    if head <= 0:
        return []
    chunk = 1 << (-(-head // max(parts, 1)) - 1).bit_length()
    return [(lo, min(lo + chunk, head)) for lo in range(0, head, chunk)]


def database_url(session: Session) -> str | None:
    """The URL workers can read the session's data from, or None (see the module's docstring)."""
    bind = session.get_bind()
    if not isinstance(bind, sa.Engine) or (
        bind.url.database in (None, "", ":memory:") and bind.dialect.name == "sqlite"
    ):
        return None
    return bind.url.render_as_string(hide_password=False)


def raw_cursor(connection: sa.Connection):
    """A DBAPI cursor on the connection's own DBAPI connection (binary results on PostgreSQL)."""
    driver = connection.connection.driver_connection
    assert driver is not None  # a connection in use always has its DBAPI connection
    return driver.cursor(binary=True) if connection.dialect.name == "postgresql" else driver.cursor()


def slow_rows(connection: sa.Connection) -> Callable[[int], sa.Row]:
    """Entry `seq` read as SQLAlchemy reads it (for the rare check the quick path cannot decide)."""
    return lambda seq: connection.execute(sa.select(LEDGER).where(LEDGER.c.seq == seq)).one()


def integrity_of_range(connection: sa.Connection, lo: int, hi: int, sizes) -> scan.RangeCheck:
    dialect = connection.dialect.name
    reader = hashed_scan.READER if dialect == "postgresql" else None
    return scan.check_integrity(
        lambda: raw_cursor(connection), dialect, lo, hi, sizes, slow_rows(connection), reader=reader
    )


def stitch(
    connection: sa.Connection, bounds: list[tuple[int, int]], checks: list[scan.RangeCheck], sizes
) -> tuple[scan.Problem | None, dict[int, bytes]]:
    """The first problem of the ranges taken in order (a broken link between two ranges included),
    and the tree's root at each of `sizes` up to there."""
    chunks, roots = merkle.TreeBuilder(), {}
    if 0 in sizes:
        roots[0] = merkle.EMPTY_ROOT
    head_hash = GENESIS_HASH
    for (lo, hi), check in zip(bounds, checks, strict=True):
        found = [check.problem] if check.problem is not None else []
        if check.count and check.first_prev_hash != head_hash:
            found.append(scan.Problem(lo + 1, scan.PREV_HASH, scan.PREV_HASH_MISMATCH))
        if not found and check.count != hi - lo:
            after = lo + check.count
            next_seq = connection.execute(sa.select(sa.func.min(LEDGER.c.seq)).where(LEDGER.c.seq > after)).scalar()
            found.append(scan.gap_problem(after + 1, next_seq or hi + 1))
        for size, border in check.borders.items():
            roots[size] = merkle.fold(chunks.border + border)
        if found:
            return min(found), roots
        head_hash = check.last_entry_hash or head_hash
        if len(check.border) == 1:  # a whole chunk (the last range may be shorter; nothing follows it)
            chunks.push_quick(check.border[0])
    return None, roots


def check_integrity(session: Session, sizes, head: int, workers: int) -> tuple[scan.Problem | None, dict[int, bytes]]:
    """The chain and tree of entries 1..head: the first problem, and the roots at `sizes`."""
    connection = session.connection()
    url = database_url(session) if workers > 1 and head >= INTEGRITY_PARALLEL_FROM_ENTRIES else None
    bounds = split(head, workers * RANGES_PER_WORKER if url else 1)
    here = lambda lo, hi: integrity_of_range(connection, lo, hi, sizes)  # noqa: E731
    if url is None:
        checks = [here(lo, hi) for lo, hi in bounds]
    elif connection.dialect.name == "postgresql":
        # The server does most of the work (hashed_scan.py: it hashes each receipt where it lies),
        # so threads are enough to keep every CPU busy, each waiting for its own connection's
        # pages with the GIL released; nothing is forked. One connection more than the CPUs, so
        # that while a thread runs its short Python part the servers still have every CPU.
        engine = session.get_bind()
        assert isinstance(engine, sa.Engine)  # database_url gives a URL only for a session bound to one
        with ThreadPoolExecutor(workers, thread_name_prefix="ledger-verify") as pool:
            checks = shared_out(
                pool, bounds, lambda lo, hi: pool.submit(_integrity_in_thread, engine, lo, hi, sizes), here
            )
    else:
        checks = in_workers(url, workers, bounds, _integrity_in_worker, sizes)
    return stitch(connection, bounds, checks, sizes)


def in_workers(url: str, workers: int, bounds: list[tuple[int, int]], check, sizes, initializer=None) -> list:
    """check(lo, hi, sizes) of each range, in order, by `workers` forked processes. (This process
    only waits: taking ranges itself, as shared_out lets threads do, measured slower with processes,
    the pool's own thread here then wanting the GIL while this one checks.)"""
    with worker_pool(url, workers, initializer) as pool:
        futures = [pool.submit(check, lo, hi, sizes) for lo, hi in bounds]
        try:
            return [future.result() for future in futures]
        finally:
            pool.shutdown(cancel_futures=True)


def _integrity_in_thread(engine: sa.Engine, lo: int, hi: int, sizes) -> scan.RangeCheck:
    """A range's chain and tree, through a connection of its own from `engine` (a thread's, or a worker's)."""
    with engine.connect() as connection:
        return integrity_of_range(connection, lo, hi, sizes)


def shared_out(
    pool: Executor,
    bounds: list[tuple[int, int]],
    submit: Callable[[int, int], Future],
    here: Callable[[int, int], scan.RangeCheck],
) -> list[scan.RangeCheck]:
    """Each range's check, in order, shared between the pool's workers and this process: the workers
    take ranges from the front; this process, rather than wait for them, takes them from the back
    (`here`), each one no worker has begun, until it meets one a worker has. Its share begins at once,
    while the workers are still starting and connecting. (For threads: with forked workers this
    measured slower, see in_workers.)"""
    futures = [submit(lo, hi) for lo, hi in bounds]
    done_here: dict[int, scan.RangeCheck] = {}
    try:
        for index in reversed(range(len(bounds))):
            if not futures[index].cancel():  # a worker has begun it (or finished it)
                break
            done_here[index] = here(*bounds[index])
        return [done_here[index] if index in done_here else future.result() for index, future in enumerate(futures)]
    except BaseException:
        for future in futures:
            future.cancel()
        raise


# The worker processes' side

_worker: dict[str, sa.Engine] = {}


def worker_pool(url: str, workers: int, initializer=None, initargs=()) -> ProcessPoolExecutor:
    """Workers forked from this process, each with an engine of its own on the database at `url`.

    Forked, not spawned or from a fork server: those import the whole portal afresh in each run,
    about a second, more than checking 100,000 entries takes. A worker never uses (or closes) the
    database connections it inherits: it makes its own, and leaves with os._exit, as pool workers do."""
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(url, initializer, initargs),
    )


def _start_worker(url: str, initializer, initargs) -> None:
    from covenant_portal.db import create_db_engine

    # Everything inherited from the verifying process lives as long as the worker: left to the
    # collector, each full collection would walk it all (and copy every page it touches).
    gc.freeze()

    # On SQLite, the portal's engines begin every transaction IMMEDIATE (a write lock), which the
    # verifying process already holds: the workers only read, outside any transaction.
    engine = sa.create_engine(url, connect_args={"timeout": 30}) if url.startswith("sqlite") else create_db_engine(url)
    _worker["engine"] = engine
    if initializer is not None:
        initializer(*initargs)


def worker_engine() -> sa.Engine:
    return _worker["engine"]  # a KeyError outside a worker started by worker_pool


def _integrity_in_worker(lo: int, hi: int, sizes) -> scan.RangeCheck:
    return _integrity_in_thread(worker_engine(), lo, hi, sizes)
