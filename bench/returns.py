"""What the LA compliance page costs: `make bench-returns` (or `python bench/returns.py --help`).

2,000 signatory providers (by default), each with a home in Bolton and a signed return for Q1 2026
to 2027 (11 pledge answers of every kind, occupancy with children placed by Bolton), and a Bolton LA
contact who therefore sees all of them. GET /la/returns (the providers × pledges table: every
provider's state counted, the first page of 100 rows shown) is served through the Flask test client
many times, as is the CSV export (every row); then a trivial page
(/accessibility) served by the same app, so the figures can be read against what any page costs
on this machine. Prints p50 and p95 of each, and the ratios.

Everything runs in scratch databases (bench/signing.py's: a temporary SQLite file, and a PostgreSQL
schema of its own, dropped afterwards). Signatures and signed returns are inserted in bulk with
placeholder ledger entries: the page reads who signed what, never the envelopes.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User  # noqa: E402
from covenant_portal.access import Role
from covenant_portal.returns.models import (  # noqa: E402
    QuarterlyReturn,
    ReturnSubmission,
    GmPlacement,
    HomeOccupancy,
    PledgeAnswer,
    PledgeStatus,
)
from covenant_portal.returns.calendar.periods import new_period  # noqa: E402
from covenant_portal.covenant.models import CovenantSignature  # noqa: E402
from covenant_portal.covenant.service import current_version  # noqa: E402
from covenant_portal.db import get_session  # noqa: E402
from covenant_portal.homes.models import ProviderHome  # noqa: E402
from covenant_portal.signing.models import LedgerEntry  # noqa: E402
from covenant_portal.returns.compliance.routes import PER_PAGE  # noqa: E402
from signing import ScratchDatabases  # noqa: E402  (bench/signing.py)
from world import (  # noqa: E402  (bench/world.py)
    ADMIN_IDS,
    admin_row,
    fresh_app,
    home_row,
    p50_p95,
    placeholder_entry,
    signature_row,
    timings,
)

SIGNED_AT = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)  # before Q1 2026 to 2027 starts: every provider owes it
RETURN_SIGNED_AT = datetime(2026, 7, 10, 9, 0, tzinfo=UTC)
BATCH = 1000
STATUSES = list(PledgeStatus)


def add_providers(session, count: int) -> tuple[User, int]:
    """`count` signatory providers with a home in Bolton and a signed Q1 2026 to 2027 return each;
    the Bolton LA contact who sees them all, and the period's id."""
    bolton = session.scalar(select(LocalAuthority).where(LocalAuthority.name == "Bolton"))
    contact = User(
        email="contact@bolton.example",
        full_name="Bolton Contact",
        role=Role.LA_CONTACT,
        local_authority_id=bolton.id,
        password_hash="x",
        email_verified_at=SIGNED_AT,
    )
    period = new_period(2026, 1)
    session.add_all([contact, period])
    session.flush()
    version = current_version(session)
    seq = (session.scalar(select(func.max(LedgerEntry.seq))) or 0) + 1
    for start in range(1, count + 1, BATCH):
        ids = range(start, min(start + BATCH, count + 1))
        session.execute(insert(ProviderOrganisation), [{"id": i, "name": f"Provider {i:05d} Ltd"} for i in ids])
        session.execute(insert(User), [admin_row(i, SIGNED_AT) for i in ids])
        session.execute(insert(ProviderHome), [home_row(i, bolton.id) for i in ids])
        # Two placeholder ledger entries each: the covenant signature's and the return's.
        session.execute(
            insert(LedgerEntry),
            [placeholder_entry(seq, 2 * i + offset, SIGNED_AT) for i in ids for offset in (0, 1)],
        )
        session.execute(
            insert(CovenantSignature),
            [signature_row(i, version.id, f"Provider {i:05d} Ltd", SIGNED_AT, seq + 2 * i) for i in ids],
        )
        session.execute(
            insert(QuarterlyReturn),
            [{"id": i, "organisation_id": i, "period_id": period.id, "draft": None, "draft_lock": 1} for i in ids],
        )
        session.execute(
            insert(ReturnSubmission),
            [
                {
                    "id": i,
                    "return_id": i,
                    "version": 1,
                    "document": {"bench": i},
                    "document_sha256": "0" * 64,
                    "signer_id": ADMIN_IDS + i,
                    "signer_name": f"Admin {i}",
                    "signer_job_title": "Director",
                    "signer_email": f"admin{i}@provider.example",
                    "declaration": "bench",
                    "signed_at": RETURN_SIGNED_AT + timedelta(minutes=i),
                    "ledger_seq": seq + 2 * i + 1,
                }
                for i in ids
            ],
        )
        session.execute(
            insert(PledgeAnswer),
            [
                {
                    "submission_id": i,
                    "pledge_number": number,
                    "status": STATUSES[(i + number) % len(STATUSES)],
                    "narrative": ""
                    if STATUSES[(i + number) % len(STATUSES)] == PledgeStatus.MET
                    else "How we kept it.",
                }
                for i in ids
                for number in range(1, 12)
            ],
        )
        session.execute(
            insert(HomeOccupancy),
            [
                {
                    "id": i,
                    "submission_id": i,
                    "home_id": i,
                    "registered_places": 4,
                    "vacant_places": 1,
                    "placed_outside_gm": 1,
                }
                for i in ids
            ],
        )
        session.execute(
            insert(GmPlacement), [{"occupancy_id": i, "local_authority_id": bolton.id, "children": 2} for i in ids]
        )
        session.commit()
    return contact, period.id


def report_database(kind: str, databases: ScratchDatabases, workdir: Path, providers: int, requests: int) -> None:
    print(f"== {kind} ==")
    app = fresh_app(databases.new(kind, "returns"), workdir)
    began = time.perf_counter()
    with app.app_context():
        contact, period_id = add_providers(get_session(), providers)
        contact_login = contact.get_id()
    print(f"{providers:,} signatory providers with signed returns set up in {time.perf_counter() - began:.1f} s")
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = contact_login
        flask_session["_fresh"] = True
    page = f"/la/returns?period={period_id}"
    html = client.get(page).get_data(as_text=True)
    rows = html.count('<th scope="row" class="govuk-table__header">')
    assert rows == min(providers, PER_PAGE), f"the table shows {rows} rows"
    assert f"{providers} providers" in html
    results = {}
    for label, url in [
        ("GET /la/returns (the table)", page),
        ("GET /la/returns, last page", f"{page}&page={-(-providers // PER_PAGE)}"),
        ("GET /la/returns.csv", f"/la/returns.csv?period={period_id}"),
        ("GET /accessibility (trivial page)", "/accessibility"),
    ]:
        elapsed, size = timings(client, url, requests)
        results[label] = p50_p95(elapsed)
        p50, p95 = results[label]
        print(f"  {label:36s} p50 {p50 * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms   {size / 1024:8.0f} KB")
    trivial_p50, trivial_p95 = results["GET /accessibility (trivial page)"]
    for label in ("GET /la/returns (the table)", "GET /la/returns, last page", "GET /la/returns.csv"):
        p50, p95 = results[label]
        print(f"  {label:36s} ratio to the trivial page: p50 {p50 / trivial_p50:6.1f}x   p95 {p95 / trivial_p95:6.1f}x")
    print()
    app.extensions["db"].engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--providers", type=int, default=2_000, help="signatory providers (default 2,000)")
    parser.add_argument("--requests", type=int, default=50, help="requests timed per page (default 50)")
    parser.add_argument("--sqlite-only", action="store_true", help="do not try PostgreSQL")
    arguments = parser.parse_args()
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs; {arguments.requests} requests per page\n")
    with tempfile.TemporaryDirectory(prefix="gm-first-bench-") as directory:
        databases = ScratchDatabases(Path(directory), not arguments.sqlite_only)
        try:
            for kind in databases.kinds:
                report_database(kind, databases, Path(directory), arguments.providers, arguments.requests)
        finally:
            databases.drop()


if __name__ == "__main__":
    main()
