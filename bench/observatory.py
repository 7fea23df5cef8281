"""What the sufficiency observatory's pages cost at national scale: `make bench-observatory` (or
`python bench/observatory.py --help`).

150 LAs (the ten GM LAs and 140 others), 10,000 providers (by default) with a home each, spread over
the LAs (four in ten in GM), and a signed return from every provider in each of 12 quarters, with
children placed by up to three GM LAs. Then, through the Flask test client: the public GM overview
(/observatory) and an LA page (/observatory/local-authorities/<Bolton>, as an admin), each many
times, and a trivial page (/accessibility) of the same app. Prints the first request (which works
the figures out), p50 and p95 of the rest (the figures kept while the data are unchanged, see
covenant_portal/observatory/service.py), the ratio to the trivial page, and the SQL statements each
page makes. With --no-cache, every request works the figures out again.

Scratch databases as bench/signing.py's (a temporary SQLite file, a PostgreSQL schema of its own,
dropped afterwards); signed returns are inserted in bulk with placeholder ledger entries.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, func, insert, select  # noqa: E402

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User  # noqa: E402
from covenant_portal.access import Role  # noqa: E402
from covenant_portal.db import get_session  # noqa: E402
from covenant_portal.homes.models import ProviderHome  # noqa: E402
from covenant_portal.returns.calendar.periods import new_period  # noqa: E402
from covenant_portal.returns.models import (  # noqa: E402
    GmPlacement,
    HomeOccupancy,
    QuarterlyReturn,
    ReturnPeriod,
    ReturnSubmission,
)
from covenant_portal.signing.models import LedgerEntry  # noqa: E402
from signing import ScratchDatabases  # noqa: E402  (bench/signing.py)
from world import fresh_app, home_row, p50_p95, placeholder_entry, timings  # noqa: E402  (bench/world.py)

SIGNED_AT = datetime(2024, 1, 15, 10, 0, tzinfo=UTC)
BATCH = 2000
QUARTERS = [(2023 + (n + 1) // 4, (n + 1) % 4 + 1) for n in range(12)]  # Q2 2023 .. Q1 2026


def add_world(session, providers: int, authorities: int) -> int:
    """The LAs, providers, homes and 12 quarters of signed returns; the admin's user id."""
    gm = list(session.scalars(select(LocalAuthority).order_by(LocalAuthority.id)))
    session.execute(
        insert(LocalAuthority),
        [
            {"ons_code": f"E06{n:06d}", "name": f"Authority {n}", "council": f"Authority {n} Council"}
            for n in range(authorities - len(gm))
        ],
    )
    every = list(session.scalars(select(LocalAuthority.id).order_by(LocalAuthority.id)))
    others = [la for la in every if la not in {each.id for each in gm}]
    admin = User(
        email="admin@bench.example", full_name="Admin", role=Role.ADMIN, password_hash="x", email_verified_at=SIGNED_AT
    )
    periods = [new_period(year, quarter) for year, quarter in QUARTERS]
    session.add_all([admin, *periods])
    session.flush()
    seq = (session.scalar(select(func.max(LedgerEntry.seq))) or 0) + 1
    session.execute(
        insert(ProviderOrganisation), [{"id": i, "name": f"Provider {i:05d} Ltd"} for i in range(1, providers + 1)]
    )

    def host(i: int) -> int:
        return gm[i % len(gm)].id if i % 10 < 4 else others[i % len(others)]

    session.execute(insert(ProviderHome), [home_row(i, host(i), 4 + i % 3) for i in range(1, providers + 1)])
    number = 0
    for index, period in enumerate(periods):
        for start in range(1, providers + 1, BATCH):
            ids = range(start, min(start + BATCH, providers + 1))
            rows = [(number + n, i) for n, i in enumerate(ids, start=1)]
            number += len(ids)
            session.execute(insert(LedgerEntry), [placeholder_entry(seq, k, SIGNED_AT) for k, _i in rows])
            session.execute(
                insert(QuarterlyReturn),
                [
                    {"id": k, "organisation_id": i, "period_id": period.id, "draft": None, "draft_lock": 1}
                    for k, i in rows
                ],
            )
            session.execute(
                insert(ReturnSubmission),
                [
                    {
                        "id": k,
                        "return_id": k,
                        "version": 1,
                        "document": {"bench": k},
                        "document_sha256": "0" * 64,
                        "signer_id": admin.id,
                        "signer_name": "Bench",
                        "signer_job_title": "Director",
                        "signer_email": "bench@provider.example",
                        "declaration": "bench",
                        "signed_at": SIGNED_AT + timedelta(days=91 * index, seconds=k),
                        "ledger_seq": seq + k,
                    }
                    for k, _i in rows
                ],
            )
            session.execute(
                insert(HomeOccupancy),
                [
                    {
                        "id": k,
                        "submission_id": k,
                        "home_id": i,
                        "registered_places": 4 + i % 3,
                        "vacant_places": (i + index) % 2,
                        "placed_outside_gm": (i + index) % 3 == 0,
                    }
                    for k, i in rows
                ],
            )
            session.execute(
                insert(GmPlacement),
                [
                    {"occupancy_id": k, "local_authority_id": gm[(i + index + extra) % len(gm)].id, "children": 1}
                    for k, i in rows
                    for extra in range((i + index) % 3 + 1)
                ],
            )
        session.commit()
    return admin.id


class Statements:
    """Counts the SQL statements an engine runs."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args):
        self.count += 1


def report_database(kind, databases, workdir: Path, providers: int, authorities: int, requests: int, cache: bool):
    print(f"== {kind} ==")
    app = fresh_app(databases.new(kind, "observatory"), workdir)
    app.config["OBSERVATORY_CACHE_SECONDS"] = 300 if cache else 0
    began = time.perf_counter()
    with app.app_context():
        admin_id = add_world(get_session(), providers, authorities)
        bolton = get_session().scalar(select(LocalAuthority.id).where(LocalAuthority.name == "Bolton"))
        periods = get_session().scalar(select(func.count(ReturnPeriod.id)))
    print(
        f"{authorities} LAs, {providers:,} providers, {periods} quarters of signed returns set up in {time.perf_counter() - began:.1f} s"
    )
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = f"{admin_id}:1"
        flask_session["_fresh"] = True
    statements = Statements(app.extensions["db"].engine)
    results = {}
    pages = [
        ("GET /observatory (GM overview)", "/observatory"),
        ("GET /observatory/local-authorities/<Bolton>", f"/observatory/local-authorities/{bolton}"),
        ("GET /accessibility (trivial page)", "/accessibility"),
    ]
    for label, url in pages:
        before = statements.count
        began = time.perf_counter()
        first = client.get(url)
        cold = time.perf_counter() - began
        assert first.status_code == 200, (url, first.status_code)
        cold_queries = statements.count - before
        before = statements.count
        client.get(url)
        warm_queries = statements.count - before
        elapsed, size = timings(client, url, requests)
        results[label] = p50_p95(elapsed)
        p50, p95 = results[label]
        print(
            f"  {label:44s} first {cold * 1000:8.1f} ms ({cold_queries} queries)   p50 {p50 * 1000:7.1f} ms"
            f"   p95 {p95 * 1000:7.1f} ms   {warm_queries} queries   {size / 1024:5.0f} KB"
        )
    trivial_p50, trivial_p95 = results["GET /accessibility (trivial page)"]
    for label, _url in pages[:2]:
        p50, p95 = results[label]
        print(f"  {label:44s} ratio to the trivial page: p50 {p50 / trivial_p50:6.1f}x   p95 {p95 / trivial_p95:6.1f}x")
    print()
    app.extensions["db"].engine.dispose()
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--providers", type=int, default=10_000, help="providers, a home each (default 10,000)")
    parser.add_argument("--authorities", type=int, default=150, help="LAs, the ten GM ones included (default 150)")
    parser.add_argument("--requests", type=int, default=50, help="requests timed per page (default 50)")
    parser.add_argument("--sqlite-only", action="store_true", help="do not try PostgreSQL")
    parser.add_argument("--no-cache", action="store_true", help="work the figures out for every request")
    arguments = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs; {arguments.requests} requests per page\n")
    with tempfile.TemporaryDirectory(prefix="gm-first-bench-") as directory:
        databases = ScratchDatabases(Path(directory), not arguments.sqlite_only)
        try:
            for kind in databases.kinds:
                report_database(
                    kind,
                    databases,
                    Path(directory),
                    arguments.providers,
                    arguments.authorities,
                    arguments.requests,
                    not arguments.no_cache,
                )
        finally:
            databases.drop()


if __name__ == "__main__":
    main()
