"""A full `ledger verify` of a long ledger, in worker processes: each reads a range of entries from
the database itself (see ranges.py) and checks each entry's envelope, signature (by a key published
and not yet retired when the entry was made) and statement, then its stored record, a page at a
time, with the range's chain and tree (scan.py) on the same rows; this process stitches the ranges
together (ranges.stitch). The first problem by seq, and by the order of the checks at one entry
(scan.GAP ...), is the one named.

The workers are forked after the record kinds and the app are put in `_shared`, so they have them
without pickling; each reads through an engine of its own (the app's is disposed in the worker,
never used), in an app context, as the kinds' checks may expect.
"""

from collections import defaultdict
from datetime import datetime, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
import sqlalchemy as sa
from sqlalchemy.orm import Session

from covenant_portal.signing import dsse, ranges, scan
from covenant_portal.signing.ledger import rfc3339
from covenant_portal.signing.records import RecordKind, StatementProblem, signed_statement


_shared: dict = {}


class RangeChecker:
    def __init__(self, session: Session, keys: dict, kinds: dict[str, RecordKind], app=None):
        """keys: keyid -> (Ed25519PublicKey, the time it was retired or None)."""
        self.session, self.kinds, self.app = session, kinds, app
        self.public_keys = {keyid: key for keyid, (key, _until) in keys.items()}
        self.valid_until = {keyid: until for keyid, (_key, until) in keys.items()}
        self.predicate_types = {name: kind.predicate_type for name, kind in kinds.items()}
        # When each retired key stopped signing, as created_at's text reads (scan.created_text_sql):
        # two such texts of the same length compare as their moments do.
        self.retired_text = {keyid: rfc3339(until) for keyid, until in self.valid_until.items() if until}

    def page_problem(self, page: list[tuple]) -> scan.Problem | None:
        """The first problem of a page of rows (seq, created_at's text, kind, subject, envelope, ...)."""
        sealed: dict[str, list] = defaultdict(list)
        broken, quickly = None, self.quickly_sealed
        for row in page:
            seq, kind, subject, envelope = row[0], row[2], row[3], bytes(row[4])
            found = quickly(row[1], kind, subject, envelope)
            if found is None:
                found = self.entry_problem(seq, row[1], kind, subject, envelope)
                if isinstance(found, scan.Problem):
                    broken = found
                    break
            sealed[kind].append((seq, subject, found))
        # A stored record that no longer matches counts if it comes before a broken entry.
        problems = [problem for problem in (self.record_problem(sealed), broken) if problem is not None]
        self.session.expunge_all()
        return min(problems, default=None)

    def quickly_sealed(self, created: str, kind: str, subject: str, envelope: bytes) -> dict | None:
        """The usual entry's signed statement (an envelope of the portal's form, one signature by the
        key it names, made before any retirement of that key, a sound statement), or None for
        entry_problem to decide: this is entry_problem's answer, with nothing in between."""
        parts = dsse.plain_parts(envelope)
        if parts is None:
            return None
        payload_type, payload, keyid, signature = parts
        key, until = self.public_keys.get(keyid), self.retired_text.get(keyid)
        if key is None or (until is not None and not (len(created) == len(until) and created < until)):
            return None
        try:
            key.verify(signature, dsse.pae(payload_type, payload))
            return signed_statement(self.predicate_types, kind, subject, payload_type, payload)
        except (InvalidSignature, StatementProblem):
            return None

    def entry_problem(self, seq: int, created: str, kind: str, subject: str, envelope: bytes):
        """The entry's signed statement, or its first problem."""
        try:
            parsed = dsse.parse_quickly(envelope)
        except dsse.EnvelopeError as error:
            return scan.Problem(seq, scan.MALFORMED, scan.malformed_message(error))
        keyid = dsse.verify(parsed, self.public_keys)
        if keyid is None:
            return scan.Problem(seq, scan.SIGNATURE, scan.SIGNATURE_MISMATCH)
        until = self.valid_until.get(keyid)
        if until is not None and _created_at(created) >= until:
            return scan.Problem(seq, scan.RETIRED, scan.retired_message(keyid, rfc3339(until)))
        try:
            return signed_statement(self.predicate_types, kind, subject, parsed.payload_type, parsed.payload)
        except StatementProblem as error:
            return scan.Problem(seq, scan.STATEMENT, str(error))

    def record_problem(self, sealed: dict[str, list]) -> scan.Problem | None:
        found = []
        for kind, items in sealed.items():
            records = [(subject, statement) for _seq, subject, statement in items]
            problems = self.kinds[kind].problems(self.session, records, self.app)
            found += [
                scan.Problem(seq, scan.RECORD, problem)
                for (seq, _subject, _statement), problem in zip(items, problems, strict=True)
                if problem
            ]
        return min(found, default=None)


def _created_at(created: str) -> datetime:
    """created_at's text (scan.created_text_sql) as the aware UTC datetime SQLAlchemy would read."""
    moment = datetime.fromisoformat(created)
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def check_ranges(
    url: str, head: int, workers: int, keys: dict, kinds: dict[str, RecordKind], app, sizes
) -> tuple[list[tuple[int, int]], list[scan.RangeCheck]]:
    """The ranges of entries 1..head and each one's scan.RangeCheck, checked by `workers` forked processes."""
    _shared.update(keys=keys, kinds=kinds, app=app)
    bounds = ranges.split(head, workers * ranges.RANGES_PER_WORKER)
    return bounds, ranges.in_workers(url, workers, bounds, _in_worker, sizes, _start_worker)


def _start_worker() -> None:
    app = _shared.get("app")
    if app is not None and "db" in app.extensions:
        app.extensions["db"].engine.dispose(close=False)  # the parent's connections stay the parent's


def _in_worker(lo: int, hi: int, sizes) -> scan.RangeCheck:
    app = _shared.get("app")
    with ranges.worker_engine().connect() as connection, Session(bind=connection) as session:
        if app is None:
            return check_range(connection, session, lo, hi, sizes, _shared["keys"], _shared["kinds"], None)
        with app.app_context():
            return check_range(connection, session, lo, hi, sizes, _shared["keys"], _shared["kinds"], app)


def check_range(
    connection: sa.Connection, session: Session, lo: int, hi: int, sizes, keys: dict, kinds: dict, app
) -> scan.RangeCheck:
    """What a worker checks of (lo, hi]: its chain and tree (as ranges.integrity_of_range) and its
    entries' other checks, each row read once (also what bench/tlog.py times in one process)."""
    dialect = connection.dialect.name
    checker = RangeChecker(session, keys, kinds, app)
    return scan.check_integrity(
        lambda: ranges.raw_cursor(connection),
        dialect,
        lo,
        hi,
        sizes,
        ranges.slow_rows(connection),
        checker.page_problem,
    )


def key_pairs(keys) -> dict[str, tuple[Ed25519PublicKey, datetime | None]]:
    """verification.VerifyingKey by keyid, as RangeChecker takes them."""
    return {keyid: (key.public_key, key.valid_until) for keyid, key in keys.items()}
