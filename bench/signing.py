"""What signing costs: `make bench` (or `python bench/signing.py --help`).

(a) The time that signing and the ledger add to a signing: the same database transaction (a
    covenant-signature-like row and its audit event, then commit) timed with and without seal(),
    alternately, on a real SQLite file and on PostgreSQL when it is reachable.
(b) `ledger verify` throughput on a ledger of real covenant signatures (100,000 by default): the
    whole check, the check without the stored-record comparisons, and this machine's bare Ed25519
    verification rate as the baseline every figure can be compared with.

Everything runs in scratch databases (a temporary SQLite file; a PostgreSQL schema of its own,
dropped afterwards) with a throwaway signing key: nothing of the portal's own data is touched.
"""

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from covenant_portal import create_app  # noqa: E402
from covenant_portal.accounts.models import ProviderOrganisation, User  # noqa: E402
from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM, record  # noqa: E402
from covenant_portal.covenant.models import CovenantSignature  # noqa: E402
from covenant_portal.covenant.records import (  # noqa: E402
    COVENANT_SIGNATURE,
    predicate_for,
    subject_name_for,
)
from covenant_portal.covenant.service import current_version, declaration_for  # noqa: E402
from covenant_portal.db import create_db_engine, get_session, upgrade_database  # noqa: E402
from covenant_portal.reference import load_covenant, load_local_authorities  # noqa: E402
from covenant_portal.signing import dsse, ledger, merkle  # noqa: E402
from covenant_portal.signing.checkpoints import sign_checkpoint  # noqa: E402
from covenant_portal.signing.keys import raw_public_bytes  # noqa: E402
from covenant_portal.signing.canonical import sha256_hex  # noqa: E402
from covenant_portal.signing.models import GENESIS_HASH, LedgerEntry, LedgerTreeNode  # noqa: E402
from covenant_portal.signing.portal_key import portal_key  # noqa: E402
from covenant_portal.signing.records import RecordKind, record_kinds, without_records  # noqa: E402
from covenant_portal.signing.service import publish_key, seal, signed_envelope, verify_ledger  # noqa: E402

POSTGRESQL_URL = os.environ.get("BENCH_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
BATCH = 5000

# (a) compares two transactions that write the same row; only one of them seals it. A table of the
# benchmark's own, shaped like covenant_signature, so the unsealed row needs no ledger entry.
BENCH_METADATA = sa.MetaData()
BENCH_SIGNATURE = sa.Table(
    "bench_signature",
    BENCH_METADATA,
    *(
        sa.Column(column.name, column.type, primary_key=column.primary_key, nullable=True)
        for column in CovenantSignature.__table__.columns
    ),
)


# Scratch databases


class ScratchDatabases:
    """A new empty database for each measurement: a SQLite file, or a PostgreSQL schema of its own
    (all dropped when the benchmark ends)."""

    def __init__(self, workdir: Path, use_postgresql: bool):
        self.workdir, self.schemas = workdir, []
        self.kinds = ["SQLite"] + (["PostgreSQL"] if use_postgresql and _postgresql("SELECT 1") else [])

    def new(self, kind: str, name: str) -> str:
        if kind == "SQLite":
            return f"sqlite:///{self.workdir / f'{name}.sqlite'}"
        schema = f"bench_{os.getpid()}_{name}"
        _postgresql(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        self.schemas.append(schema)
        return f"{POSTGRESQL_URL}?options=-csearch_path%3D{schema}"

    def drop(self) -> None:
        for schema in self.schemas:
            _postgresql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _postgresql(sql: str) -> bool:
    engine = create_db_engine(POSTGRESQL_URL)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(sql)
        return True
    except sa.exc.OperationalError:
        print(f"PostgreSQL is unreachable at {POSTGRESQL_URL}: measuring SQLite only.\n")
        return False
    finally:
        engine.dispose()


def fresh_app(url: str, workdir: Path):
    """The portal on a new migrated database, with the reference data and covenant version 1."""
    engine = create_db_engine(url)
    upgrade_database(engine)
    BENCH_SIGNATURE.create(engine)
    engine.dispose()
    app = create_app(
        {"SECRET_KEY": "bench", "DATABASE_URL": url, "SIGNING_KEY_FILE": str(workdir / "signing_key.pem")},
        instance_path=workdir / "instance",
    )
    with app.app_context():
        load_local_authorities(get_session())
        load_covenant(get_session())
    return app


# (a) The time signing adds to a signing


def signed_predicate(signature_id: int, organisation, signer: dict, version, signed_at: datetime) -> dict:
    """The covenant-signature predicate, built as the covenant service builds it."""
    signature = CovenantSignature(
        id=signature_id,
        organisation_id=organisation.id,
        covenant_version=version,
        signer_id=signer["id"],
        signer_name=signer["full_name"],
        signer_job_title=signer["job_title"],
        signer_email=signer["email"],
        declaration=declaration_for(organisation, version),
        signed_at=signed_at,
        organisation_name=organisation.name,
        organisation_companies_house_number=organisation.companies_house_number,
    )
    return predicate_for(signature, version)


def add_signers(session, count: int, first_id: int = 1) -> list[dict]:
    """Organisations, each with an admin who signs: inserted in bulk, committed."""
    organisations, signers = [], []
    for number in range(first_id, first_id + count):
        organisations.append(
            {
                "id": number,
                "name": f"Bench Homes {number} Ltd",
                "companies_house_number": f"{number:08d}",
                "created_at": START,
            }
        )
        signers.append(
            {
                "id": number,
                "email": f"signer{number}@bench.example",
                "full_name": f"Signer {number}",
                "job_title": "Director",
                "role": Role.PROVIDER,
                "organisation_id": number,
                "is_organisation_admin": True,
                "password_hash": "-",
                "created_at": START,
            }
        )
    for start in range(0, count, BATCH):
        session.execute(sa.insert(ProviderOrganisation), organisations[start : start + BATCH])
        session.execute(sa.insert(User), signers[start : start + BATCH])
    session.commit()
    return signers


def one_signing(session, key, version, signer: dict, sealed: bool, now: datetime) -> float:
    """Seconds for one signing transaction: the row, its audit event, with or without seal()."""
    began = time.perf_counter()
    organisation = session.get(ProviderOrganisation, signer["organisation_id"])
    row = {
        "id": signer["id"],
        "organisation_id": organisation.id,
        "covenant_version_id": version.id,
        "signer_id": signer["id"],
        "signer_name": signer["full_name"],
        "signer_job_title": signer["job_title"],
        "signer_email": signer["email"],
        "declaration": declaration_for(organisation, version),
        "signed_at": now,
    }
    if sealed:
        entry = seal(
            session,
            key,
            kind=COVENANT_SIGNATURE.kind,
            subject_name=subject_name_for(signer["id"]),
            subject_sha256=version.document_sha256,
            predicate_type=COVENANT_SIGNATURE.predicate_type,
            predicate=signed_predicate(signer["id"], organisation, signer, version, now),
            now=now,
        )
        row["ledger_seq"] = entry.seq
    session.execute(BENCH_SIGNATURE.insert(), row)
    record(session, SYSTEM, "bench.signed", SimpleNamespace(id=signer["id"]), now)
    session.commit()
    return time.perf_counter() - began


def signing_overhead(app, records: int) -> dict:
    with app.app_context():
        session = get_session()
        key, version = portal_key(), current_version(session)
        signers = add_signers(session, 2 * records + 40)
        timings = {False: [], True: []}
        for number, signer in enumerate(signers):
            sealed = (number % 4) in (1, 2)  # alternate (without, with, with, without) so drift cancels out
            elapsed = one_signing(session, key, version, signer, sealed, START + timedelta(seconds=number))
            if number >= 40:  # the first few warm caches and connections
                timings[sealed].append(elapsed)
    without, with_seal = statistics.median(timings[False]), statistics.median(timings[True])
    return {
        "without_ms": without * 1000,
        "with_ms": with_seal * 1000,
        "added_ms": (with_seal - without) * 1000,
        "ratio": with_seal / without,
        "records": len(timings[True]),
    }


# (b) ledger verify throughput


def build_ledger(app, size: int) -> None:
    """`size` real covenant signatures, each sealed in the ledger, inserted in bulk."""
    with app.app_context():
        session = get_session()
        key, version = portal_key(), current_version(session)
        publish_key(session, key, START)
        prev_hash, builder = GENESIS_HASH, merkle.TreeBuilder()
        for first in range(1, size + 1, BATCH):
            count = min(BATCH, size - first + 1)
            signers = add_signers(session, count, first)
            entries, signatures, nodes = [], [], []
            for signer in signers:
                seq = signer["id"]
                entry, row = _sealed_signature(key, version, signer, seq, prev_hash)
                entries.append(entry)
                signatures.append(row)
                prev_hash = entry["entry_hash"]
                nodes += [
                    {"level": level, "idx": idx, "hash": value}
                    for level, idx, value in builder.push(merkle.leaf_hash(entry["envelope"]))
                ]
            session.execute(sa.insert(LedgerEntry), entries)
            session.execute(sa.insert(CovenantSignature), signatures)
            session.execute(sa.insert(LedgerTreeNode), nodes)
            session.commit()
            print(f"  built {first + count - 1:,} of {size:,} entries", end="\r", file=sys.stderr, flush=True)
        print(" " * 60, end="\r", file=sys.stderr)
        # The checkpoint of the whole ledger, as seal() signs one with each entry.
        sign_checkpoint(session, key, key.origin, size, builder.root(), START + timedelta(seconds=size))
        session.commit()


def _sealed_signature(key, version, signer: dict, seq: int, prev_hash: str) -> tuple[dict, dict]:
    organisation = SimpleNamespace(
        id=signer["organisation_id"], name=f"Bench Homes {seq} Ltd", companies_house_number=f"{seq:08d}"
    )
    signed_at = START + timedelta(seconds=seq)
    subject = subject_name_for(seq)
    envelope = signed_envelope(
        key,
        subject,
        version.document_sha256,
        COVENANT_SIGNATURE.predicate_type,
        signed_predicate(seq, organisation, signer, version, signed_at),
    )
    envelope_sha256 = sha256_hex(envelope)
    entry = {
        "seq": seq,
        "created_at": signed_at,
        "kind": COVENANT_SIGNATURE.kind,
        "subject": subject,
        "envelope": envelope,
        "envelope_sha256": envelope_sha256,
        "prev_hash": prev_hash,
        "entry_hash": ledger.entry_hash(seq, signed_at, COVENANT_SIGNATURE.kind, subject, envelope_sha256, prev_hash),
    }
    row = {
        "id": seq,
        "organisation_id": organisation.id,
        "covenant_version_id": version.id,
        "signer_id": seq,
        "signer_name": signer["full_name"],
        "signer_job_title": signer["job_title"],
        "signer_email": signer["email"],
        "declaration": declaration_for(organisation, version),
        "signed_at": signed_at,
        "ledger_seq": seq,
        "organisation_name": organisation.name,
        "organisation_companies_house_number": organisation.companies_house_number,
    }
    return entry, row


def timed_verify(app, kinds: dict[str, RecordKind]) -> tuple[float, int]:
    with app.app_context():
        began = time.perf_counter()
        result = verify_ledger(get_session(), kinds)
        elapsed = time.perf_counter() - began
    assert result.ok, result.problem
    return elapsed, result.entries


def cli_verify(url: str, workdir: Path) -> tuple[float, str]:
    """`flask --app covenant_portal ledger verify`, as an operator runs it (start-up included)."""
    environment = {
        **os.environ,
        "FLASK_DATABASE_URL": url,
        "FLASK_SECRET_KEY": "bench",
        "FLASK_SIGNING_KEY_FILE": str(workdir / "signing_key.pem"),
    }
    flask = Path(sys.executable).with_name("flask")
    began = time.perf_counter()
    result = subprocess.run(
        [str(flask), "--app", "covenant_portal", "ledger", "verify"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=workdir,
    )
    return time.perf_counter() - began, result.stdout.strip()


def without_record_checks(app) -> dict[str, RecordKind]:
    """The app's kinds as `ledger verify --no-records` checks them."""
    return without_records(record_kinds(app))


def signed_bytes(app) -> tuple[bytes, bytes, bytes]:
    """(raw public key, signature, signed bytes) of the ledger's first real envelope."""
    with app.app_context():
        envelope = dsse.parse(get_session().get(LedgerEntry, 1).envelope)
        public_key = portal_key().private_key.public_key()
    message, signature = dsse.pae(envelope.payload_type, envelope.payload), envelope.signatures[0].sig
    return raw_public_bytes(public_key), signature, message


def bare_ed25519_rate(raw_key: bytes, signature: bytes, message: bytes, seconds: float) -> float:
    """Verifications per second of one signature, in this process, for `seconds`."""
    public_key = Ed25519PublicKey.from_public_bytes(raw_key)
    count, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        for _ in range(200):
            public_key.verify(signature, message)
        count += 200
    return count / (time.perf_counter() - began)


def ed25519_baseline(app, seconds: float = 2.0) -> float:
    """Bare Ed25519 verifications per second on one core (the others idle), of a real envelope's
    signed bytes."""
    return bare_ed25519_rate(*signed_bytes(app), seconds)


def ed25519_baseline_all_cores(app, seconds: float = 1.0) -> float:
    """Bare Ed25519 verifications per second per core with every core verifying at once (a forked
    process each): what each core gives when all are busy, as they are in a verification with a
    worker on every core."""
    cores = os.cpu_count() or 1
    with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("fork")) as pool:
        rates = list(pool.map(bare_ed25519_rate, *zip(*[(*signed_bytes(app), seconds)] * cores)))
    return sum(rates) / cores


# Report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000, help="ledger size for (b) (default 100,000)")
    parser.add_argument("--records", type=int, default=200, help="signings timed each way in (a) (default 200)")
    parser.add_argument("--sqlite-only", action="store_true", help="do not try PostgreSQL")
    arguments = parser.parse_args()
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs\n")
    with tempfile.TemporaryDirectory(prefix="gm-first-bench-") as directory:
        databases = ScratchDatabases(Path(directory), not arguments.sqlite_only)
        try:
            for kind in databases.kinds:
                report_database(kind, databases, Path(directory), arguments)
        finally:
            databases.drop()


def report_database(kind: str, databases: ScratchDatabases, workdir: Path, arguments) -> None:
    print(f"== {kind} ==")
    overhead = signing_overhead(fresh_app(databases.new(kind, "signing"), workdir), arguments.records)
    print(f"(a) signing transaction, median of {overhead['records']} each way:")
    print(f"    without signing and ledger   {overhead['without_ms']:7.2f} ms")
    print(f"    with seal() (sign + ledger)  {overhead['with_ms']:7.2f} ms")
    print(f"    added per record             {overhead['added_ms']:7.2f} ms   ratio {overhead['ratio']:.2f}x")
    url = databases.new(kind, "ledger")
    app = fresh_app(url, workdir)
    began = time.perf_counter()
    build_ledger(app, arguments.entries)
    print(f"(b) ledger of {arguments.entries:,} covenant signatures built in {time.perf_counter() - began:.0f} s")
    cli_seconds, cli_output = cli_verify(url, workdir)
    chain_only, entries = timed_verify(app, without_record_checks(app))
    baseline = ed25519_baseline(app)
    full_rate, chain_rate = entries / cli_seconds, entries / chain_only
    print(f"    ledger verify (the command, start-up included)  {full_rate:9,.0f} entries/s  ({cli_seconds:.1f} s)")
    print(f"    ... without the stored-record comparisons       {chain_rate:9,.0f} entries/s")
    print(f"    stored-record comparisons per entry             {(1 / full_rate - 1 / chain_rate) * 1000:9.2f} ms")
    print(
        f"    baseline: bare Ed25519 verify on this machine   {baseline:9,.0f} per s  "
        f"(verify without record comparisons runs at {chain_rate / baseline:.0%} of it)"
    )
    print(f"    {cli_output}\n")


if __name__ == "__main__":
    main()
