"""What the daily chase costs: `make bench-chase` (or `python bench/chase.py --help`).

10,000 signatory providers (by default), each with one named contact, one organisation admin and one
open home, all owing the return for Q1 2026 to 2027 (due 29 July 2026) and none having sent it.
The chase_overdue_returns job is run through the job runner (slot claim included) as of the due
date, when every provider is reminded (two emails each); then again the same day, bypassing the
slot claim, when there is nothing left to send; then as of 14 days after, when every return is
escalated (to the host LA's named contact and the escalation officers). Each is timed.

Everything runs in scratch databases (bench/signing.py's: a temporary SQLite file, and a PostgreSQL
schema of its own, dropped afterwards). The signatures' ledger entries are placeholders written in
bulk: the chase reads only who signed when.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User  # noqa: E402
from covenant_portal.access import Role
from covenant_portal.returns.jobs import chase_overdue_returns  # noqa: E402
from covenant_portal.contacts.models import LocalAuthorityNamedContact, ProviderContact  # noqa: E402
from covenant_portal.covenant.models import CovenantSignature  # noqa: E402
from covenant_portal.covenant.service import current_version  # noqa: E402
from covenant_portal.db import get_session  # noqa: E402
from covenant_portal.homes.models import ProviderHome  # noqa: E402
from covenant_portal.returns.area import CHASE_OVERDUE_RETURNS  # noqa: E402
from covenant_portal.jobs.runner import run_job  # noqa: E402
from covenant_portal.mail.models import OutboxMessage  # noqa: E402
from covenant_portal.signing.models import LedgerEntry  # noqa: E402
from signing import ScratchDatabases  # noqa: E402  (bench/signing.py)
from world import admin_row, fresh_app, home_row, placeholder_entry, signature_row  # noqa: E402  (bench/world.py)

SIGNED_AT = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)  # before Q1 2026 to 2027 starts: every provider owes it
DUE_ON = date(2026, 7, 29)
ESCALATION_DAY = date(2026, 8, 12)
BATCH = 2000
JOB = CHASE_OVERDUE_RETURNS


def add_providers(session, count: int) -> None:
    """`count` signatory providers with a named contact, an organisation admin and an open home
    each (in the ten GM LAs in turn), each LA with a named contact, and two escalation officers."""
    authorities = list(
        session.scalars(
            select(LocalAuthority).where(LocalAuthority.is_greater_manchester.is_(True)).order_by(LocalAuthority.id)
        )
    )
    for authority in authorities:
        user = User(
            email=f"contact@{authority.ons_code.lower()}.example",
            full_name=f"{authority.name} Contact",
            role=Role.LA_CONTACT,
            local_authority_id=authority.id,
            password_hash="x",
            email_verified_at=SIGNED_AT,
        )
        session.add(user)
        session.flush()
        session.add(
            LocalAuthorityNamedContact(
                local_authority_id=authority.id,
                user_id=user.id,
                email=user.email,
                phone="0161 496 0000",
                started_at=SIGNED_AT,
            )
        )
    for number in range(2):
        session.add(
            User(
                email=f"officer{number}@gm-first.example",
                full_name=f"Officer {number}",
                role=Role.ESCALATION_OFFICER,
                password_hash="x",
                email_verified_at=SIGNED_AT,
            )
        )
    version = current_version(session)
    next_id = (session.scalar(select(func.max(ProviderOrganisation.id))) or 0) + 1
    next_seq = (session.scalar(select(func.max(LedgerEntry.seq))) or 0) + 1
    for start in range(0, count, BATCH):
        ids = range(next_id + start, next_id + min(start + BATCH, count))
        session.execute(insert(ProviderOrganisation), [{"id": i, "name": f"Provider {i} Ltd"} for i in ids])
        session.execute(insert(User), [admin_row(i, SIGNED_AT) for i in ids])
        session.execute(
            insert(ProviderContact),
            [
                {
                    "organisation_id": i,
                    "name": f"Contact {i}",
                    "role": "Placements manager",
                    "email": f"contact{i}@provider.example",
                    "phone": "0161 496 0000",
                    "created_at": SIGNED_AT,
                }
                for i in ids
            ],
        )
        session.execute(insert(ProviderHome), [home_row(i, authorities[i % len(authorities)].id) for i in ids])
        session.execute(insert(LedgerEntry), [placeholder_entry(next_seq, i, SIGNED_AT) for i in ids])
        session.execute(
            insert(CovenantSignature),
            [signature_row(i, version.id, f"Provider {i} Ltd", SIGNED_AT, next_seq + i) for i in ids],
        )
        session.commit()


def timed_run(app, day: date, through_runner: bool = True) -> tuple[float, str]:
    with app.app_context():
        session = get_session()
        began = time.perf_counter()
        if through_runner:
            summary = run_job(session, JOB, JOB.trigger.as_of_on(day)).message
        else:
            summary = chase_overdue_returns(session, JOB.trigger.as_of_on(day))
        return time.perf_counter() - began, summary


def report_database(kind: str, databases: ScratchDatabases, workdir: Path, providers: int) -> None:
    print(f"== {kind} ==")
    app = fresh_app(databases.new(kind, "chase"), workdir, BASE_URL="https://covenant.example.org")
    began = time.perf_counter()
    with app.app_context():
        add_providers(get_session(), providers)
    print(f"{providers:,} signatory providers set up in {time.perf_counter() - began:.1f} s")
    for label, day, through_runner in [
        ("due date (every provider reminded)", DUE_ON, True),
        ("due date again (nothing left to send)", DUE_ON, False),
        ("14 days overdue (every return escalated)", ESCALATION_DAY, True),
    ]:
        seconds, summary = timed_run(app, day, through_runner)
        print(f"  {label:42s} {seconds:6.1f} s   {summary}")
    with app.app_context():
        print(f"  outbox: {get_session().scalar(select(func.count(OutboxMessage.id))):,} emails\n")
    app.extensions["db"].engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--providers", type=int, default=10_000, help="signatory providers (default 10,000)")
    parser.add_argument("--sqlite-only", action="store_true", help="do not try PostgreSQL")
    arguments = parser.parse_args()
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs; aim: under 60 s per run\n")
    with tempfile.TemporaryDirectory(prefix="gm-first-bench-") as directory:
        databases = ScratchDatabases(Path(directory), not arguments.sqlite_only)
        try:
            for kind in databases.kinds:
                report_database(kind, databases, Path(directory), arguments.providers)
        finally:
            databases.drop()


if __name__ == "__main__":
    main()
