"""Migration 0007 builds the Merkle tree over the entries already in the ledger (leaf = each
receipt's bytes); the first checkpoint of them is signed when the portal next serves /checkpoint."""

import hashlib

import sqlalchemy as sa

from covenant_portal.db import create_db_engine, run_start_up_steps, upgrade_database
from covenant_portal.signing import note
from tests.conftest import make_app
from tests.signing.test_tlog import mth

RECEIPTS = [f'{{"payload":"e30=","payloadType":"x","signatures":[{{"n":{n}}}]}}'.encode() for n in range(1, 6)]


def test_existing_entries_get_their_tree_and_then_a_checkpoint(empty_database_url):
    engine = create_db_engine(empty_database_url)
    upgrade_database(engine, "0005")
    with engine.begin() as connection:
        for seq, receipt in enumerate(RECEIPTS, start=1):
            connection.execute(
                sa.text(
                    "INSERT INTO ledger_entry (seq, created_at, kind, subject, envelope, envelope_sha256, prev_hash, "
                    "entry_hash) VALUES (:seq, '2026-05-04 09:00:00', 'k', :subject, :envelope, :digest, :prev, :hash)"
                ),
                {
                    "seq": seq,
                    "subject": f"s{seq}",
                    "envelope": receipt,
                    "digest": hashlib.sha256(receipt).hexdigest(),
                    "prev": f"{seq - 1:064d}",
                    "hash": f"{seq:064d}",
                },
            )

    upgrade_database(engine, "0007")

    with engine.connect() as connection:
        leaves = connection.execute(sa.text("SELECT hash FROM ledger_tree_node WHERE level = 0 ORDER BY idx")).all()
        nodes = connection.execute(sa.text("SELECT COUNT(*) FROM ledger_tree_node")).scalar()
    engine.dispose()
    assert [bytes(row[0]) for row in leaves] == [hashlib.sha256(b"\x00" + receipt).digest() for receipt in RECEIPTS]
    assert nodes == 5 + 2 + 1  # the leaves, nodes (1, 0) and (1, 1), and (2, 0)
    app = make_app(empty_database_url)
    with app.app_context():
        run_start_up_steps(app)  # as the portal does when it starts: the checkpoint over the old entries
        served = note.parse_note(app.test_client().get("/checkpoint").get_data())
        app.extensions["db"].engine.dispose()
    assert note.parse_checkpoint(served.text) == note.Checkpoint("localhost", 5, mth(RECEIPTS))
