"""Does the forgotten-password page answer as fast for an address without an account as for one
with? `python bench/forgotten_password.py` (`--tries 60`).

Posts /forgotten-password alternately for a known and an unknown address through the Flask test
client (CSRF off, the throttle raised out of the way), on a scratch SQLite file and a PostgreSQL
schema of its own (bench/signing.py's ScratchDatabases), and prints each median and their ratio.
The suite checks the same thing without a clock (tests/accounts/test_email_requests.py: both
answers render the same email and write the same rows): timings are too noisy on a shared machine
to assert, so they are measured here."""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from covenant_portal.access import Role  # noqa: E402
from covenant_portal.accounts.models import ProviderOrganisation, User  # noqa: E402
from covenant_portal.db import get_session  # noqa: E402
from returns import fresh_app  # noqa: E402  (bench/returns.py)
from signing import ScratchDatabases  # noqa: E402  (bench/signing.py)


def measure(url: str, workdir: Path, tries: int) -> dict[str, float]:
    app = fresh_app(url, workdir)
    app.config.update(WTF_CSRF_ENABLED=False, EMAIL_REQUEST_MAX_PER_ADDRESS=10**6, EMAIL_REQUEST_MAX_PER_IP=10**6)
    with app.app_context():
        session = get_session()
        organisation = ProviderOrganisation(name="Bench Ltd")
        session.add(
            User(
                email="known@bench.example",
                full_name="Known",
                role=Role.PROVIDER,
                organisation=organisation,
                password_hash="x",
                email_verified_at=None,
            )
        )
        session.commit()
    client = app.test_client()
    times = {"known": [], "unknown": []}
    for n in range(tries * 2 + 4):
        who = "known" if n % 2 == 0 else "unknown"
        start = time.perf_counter()
        response = client.post("/forgotten-password", data={"email": f"{who}@bench.example"})
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        if n >= 4:  # the first few warm the app up
            times[who].append(elapsed * 1000)
    return {who: statistics.median(found) for who, found in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=60, help="requests of each kind (default 60)")
    parser.add_argument("--sqlite-only", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        databases = ScratchDatabases(Path(scratch), not arguments.sqlite_only)
        try:
            for kind in databases.kinds:
                medians = measure(databases.new(kind, "forgotten"), Path(scratch) / kind, arguments.tries)
                print(
                    f"{kind}: median {medians['known']:.1f} ms with an account, {medians['unknown']:.1f} ms without "
                    f"(ratio {medians['unknown'] / medians['known']:.2f})"
                )
        finally:
            databases.drop()


if __name__ == "__main__":
    main()
