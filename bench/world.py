"""What the benches that build a world of providers share (bench/chase.py, bench/returns.py,
bench/observatory.py): the portal on a new migrated database, the rows they insert in bulk
(providers' admins, homes, placeholder ledger entries, covenant signatures), and timing pages.

Not a test helper: bench/ is run by hand (`make bench-…`), never by pytest."""

import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from covenant_portal import create_app  # noqa: E402
from covenant_portal.access import Role  # noqa: E402
from covenant_portal.db import create_db_engine, get_session, upgrade_database  # noqa: E402
from covenant_portal.homes.models import HomeStatus, HomeType  # noqa: E402
from covenant_portal.reference import load_covenant, load_local_authorities  # noqa: E402

ADMIN_IDS = 1_000_000  # provider i's organisation admin is user ADMIN_IDS + i


def fresh_app(url: str, workdir: Path, **config):
    """The portal on a new migrated database, with the reference data and covenant version 1."""
    engine = create_db_engine(url)
    upgrade_database(engine)
    engine.dispose()
    app = create_app(
        {"SECRET_KEY": "bench", "DATABASE_URL": url, "SIGNING_KEY_FILE": str(workdir / "signing_key.pem"), **config},
        instance_path=workdir / "instance",
    )
    with app.app_context():
        load_local_authorities(get_session())
        load_covenant(get_session())
    return app


def admin_row(i: int, verified_at: datetime) -> dict:
    """A User row: provider i's organisation admin (a director, who signs)."""
    return {
        "id": ADMIN_IDS + i,
        "email": f"admin{i}@provider.example",
        "full_name": f"Admin {i}",
        "job_title": "Director",
        "role": Role.PROVIDER,
        "organisation_id": i,
        "is_organisation_admin": True,
        "password_hash": "x",
        "email_verified_at": verified_at,
    }


def home_row(i: int, host_local_authority_id: int, registered_places: int = 4) -> dict:
    """A ProviderHome row: provider i's one open children's home."""
    return {
        "id": i,
        "organisation_id": i,
        "name": f"Home {i}",
        "host_local_authority_id": host_local_authority_id,
        "home_type": HomeType.CHILDRENS_HOME,
        "registered_places": registered_places,
        "age_from": 8,
        "age_to": 17,
        "needs": [],
        "status": HomeStatus.OPEN,
    }


def placeholder_entry(first_seq: int, n: int, created_at: datetime) -> dict:
    """A LedgerEntry row at seq first_seq + n that seals nothing: the benches' pages and jobs read
    who signed what and when, never the envelopes, so a real signature each would only slow set-up."""
    return {
        "seq": first_seq + n,
        "created_at": created_at,
        "kind": "bench-placeholder",
        "subject": f"bench:{n}",
        "envelope": b"{}",
        "envelope_sha256": "0" * 64,
        "prev_hash": f"{n:064x}",
        "entry_hash": f"{n + 1:064x}",
    }


def signature_row(i: int, version_id: int, organisation_name: str, signed_at: datetime, ledger_seq: int) -> dict:
    """A CovenantSignature row: provider i's admin signed the covenant version."""
    return {
        "organisation_id": i,
        "covenant_version_id": version_id,
        "signer_id": ADMIN_IDS + i,
        "signer_name": f"Admin {i}",
        "signer_job_title": "Director",
        "signer_email": f"admin{i}@provider.example",
        "declaration": "bench",
        "signed_at": signed_at,
        "organisation_name": organisation_name,
        "ledger_seq": ledger_seq,
    }


def timings(client, url: str, requests: int, warm_up: int = 3) -> tuple[list[float], int]:
    """Seconds for each of `requests` GETs of url (after a few to warm caches), and the body's size."""
    size = 0
    for _ in range(warm_up):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.get_data())
    elapsed = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(url)
        response.get_data()  # a streamed response (the CSV) is written as it is read
        elapsed.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    return elapsed, size


def p50_p95(elapsed: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(elapsed, n=20, method="inclusive")
    return statistics.median(elapsed), cuts[18]
