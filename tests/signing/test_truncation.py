"""`ledger verify --checkpoint FILE`: a checkpoint saved earlier (say by an LA) shows a ledger cut
short, rewritten or forked, which the hash chain alone cannot; the portal's own latest checkpoint and
stored tree are checked too; `--integrity-only` checks the chain, tree and checkpoints alone, and
`--no-records` every signature and statement as well, but not the stored records."""

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from covenant_portal.signing import dsse, ledger, merkle, note
from covenant_portal.signing.canonical import canonical_json, sha256_hex
from covenant_portal.signing.models import LedgerTreeNode
from covenant_portal.signing.portal_key import portal_key
from tests.signing.helpers import allow_tampering, ledger_entries, remove_entry, run_ledger, sign_covenants


def saved_checkpoint(client_request, tmp_path, name="checkpoint.txt"):
    path = tmp_path / name
    path.write_bytes(client_request.get("/checkpoint").get_data())
    return path


def verify_against(app, path):
    return run_ledger(app, "verify", "--checkpoint", str(path))


def test_an_intact_ledger_is_consistent_with_a_checkpoint_saved_earlier(app, client_request, db_session, tmp_path):
    sign_covenants(db_session, 3)
    path = saved_checkpoint(client_request, tmp_path)
    sign_covenants(db_session, 2)
    result = verify_against(app, path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Ledger OK: 5 entries, head ")
    assert f"consistent with the checkpoint in {path}" in result.output


def test_a_deleted_newest_entry_is_caught(app, client_request, db_session, tmp_path):
    sign_covenants(db_session, 3)
    path = saved_checkpoint(client_request, tmp_path)
    # The newest entry goes, with its record, its tree nodes and the checkpoints that covered it.
    remove_entry(db_session, 3)
    assert run_ledger(app, "verify").exit_code == 0  # what the chain alone cannot see
    result = verify_against(app, path)
    assert result.exit_code == 1
    assert result.output == (
        f"Ledger BROKEN: the ledger has been cut short: it has 2 entries, but the checkpoint in {path}, signed by "
        "the portal, covers 3 (entries 3 to 3 are gone).\n"
    )


def test_the_portal_s_own_checkpoint_catches_a_newest_entry_deleted_without_it(app, db_session):
    sign_covenants(db_session, 3)
    allow_tampering(db_session)
    db_session.execute(sa.text("DELETE FROM covenant_signature WHERE ledger_seq = 3"))
    db_session.execute(sa.text("DELETE FROM ledger_entry WHERE seq = 3"))
    result = run_ledger(app, "verify")
    assert result.exit_code == 1
    assert (
        "the ledger has been cut short: it has 2 entries, but the portal's latest checkpoint (size 3)" in result.output
    )


def test_a_rewritten_entry_is_caught(app, client_request, db_session, tmp_path):
    sign_covenants(db_session, 3)
    path = saved_checkpoint(client_request, tmp_path)
    # Entry 2 on is rebuilt behind the portal's back with the portal's own key: a valid chain,
    # tree and checkpoints, of different records.
    remove_entry(db_session, 3)
    remove_entry(db_session, 2)
    sign_covenants(db_session, 2)
    assert run_ledger(app, "verify").exit_code == 0
    result = verify_against(app, path)
    assert result.exit_code == 1
    assert result.output == (
        f"Ledger BROKEN: the ledger is not consistent with the checkpoint in {path}: its first 3 entries do not "
        "hash to that checkpoint's root, so an entry among them was changed, removed or replaced since (the "
        "ledger was rewritten, or this is a fork of it).\n"
    )


def test_a_forked_log_is_caught(app, client_request, db_session, tmp_path):
    """The portal's key signed a checkpoint of another tree of the same size (a split view shown to
    one LA): the ledger everyone else sees is not consistent with it, nor is a longer one."""
    sign_covenants(db_session, 4)
    key = portal_key()
    fork = note.Checkpoint(key.origin, 4, merkle.node_hash(b"\x01" * 32, b"\x02" * 32)).text
    path = tmp_path / "fork.txt"
    path.write_text(str(note.Note(fork, (note.sign_note(fork, key.origin, key.private_key),))))
    sign_covenants(db_session, 2)
    result = verify_against(app, path)
    assert result.exit_code == 1
    assert "the ledger is not consistent with the checkpoint in" in result.output
    assert "(the ledger was rewritten, or this is a fork of it)" in result.output


def test_a_checkpoint_not_signed_by_the_portal_proves_nothing(app, client_request, db_session, tmp_path):
    sign_covenants(db_session, 2)
    text = client_request.get("/checkpoint").get_data(as_text=True)
    body = text.split("\n\n")[0] + "\n"
    forged = note.Note(body, (note.sign_note(body, portal_key().origin, Ed25519PrivateKey.generate()),))
    (tmp_path / "forged.txt").write_text(str(forged))
    result = verify_against(app, tmp_path / "forged.txt")
    assert result.exit_code == 1
    assert "is not signed by any of the portal's published keys for the origin 'localhost'" in result.output


def test_a_saved_checkpoint_changed_after_the_portal_signed_it_is_named_so(app, client_request, db_session, tmp_path):
    sign_covenants(db_session, 2)
    text = client_request.get("/checkpoint").get_data(as_text=True)
    origin, _size, rest = text.split("\n", 2)
    (tmp_path / "changed.txt").write_text(f"{origin}\n1\n{rest}")  # its size changed, the signature kept
    result = verify_against(app, tmp_path / "changed.txt")
    assert result.exit_code == 1
    assert (
        "changed.txt carries the portal's signature, but it does not verify: the checkpoint's text (its origin, "
        "size or root hash) or that signature was changed after the portal signed it"
    ) in result.output


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"not a checkpoint", "a note is its text, a blank line, then its signature lines"),
        (b"\xff\xfe l\x00o\x00g\x00", "the note is not UTF-8 text"),
        (b"localhost\n1\n\n", "the note has no signature lines"),
        (
            "localhost\n1\nAAAA\n\n\u2014 localhost AAAAAAAA\n\n".encode(),
            "the note ends in a blank line after its signature lines",
        ),
        (
            f"localhost\n0124\n{'A' * 43}=\n\n\u2014 localhost AAAAAAAA\n".encode(),
            "the checkpoint's tree size '0124' has leading zeros, which the checkpoint format does not allow",
        ),
    ],
    ids=["words", "not UTF-8", "no signature", "a blank line after the signatures", "leading zeros"],
)
def test_a_file_that_is_not_a_checkpoint_is_a_mistake_in_the_command_not_a_broken_ledger(
    app, db_session, tmp_path, content, reason
):
    sign_covenants(db_session, 1)
    (tmp_path / "wrong.txt").write_bytes(content)
    result = verify_against(app, tmp_path / "wrong.txt")
    assert result.exit_code == 2, result.output
    assert "wrong.txt is not a checkpoint: " + reason in result.output
    assert "BROKEN" not in result.output


def test_a_stored_tree_leaf_that_is_not_its_receipt_s_hash_is_named(app, db_session):
    sign_covenants(db_session, 3)
    allow_tampering(db_session)
    nodes = LedgerTreeNode.__table__
    db_session.execute(sa.update(nodes).where(nodes.c.level == 0, nodes.c.idx == 1).values(hash=b"\x07" * 32))
    result = run_ledger(app, "verify")
    assert result.exit_code == 1
    assert result.output.startswith(
        "Ledger BROKEN at entry 2: its leaf in the Merkle tree (ledger_tree_node) is not the hash of its receipt."
    )


def test_stored_tree_leaves_swapped_or_missing_are_named_at_the_first_wrong_one(app, db_session):
    sign_covenants(db_session, 4)
    allow_tampering(db_session)
    nodes = LedgerTreeNode.__table__
    leaf = {
        idx: db_session.execute(sa.select(nodes.c.hash).where(nodes.c.level == 0, nodes.c.idx == idx)).scalar_one()
        for idx in (1, 2)
    }
    for idx, other in ((1, 2), (2, 1)):
        db_session.execute(sa.update(nodes).where(nodes.c.level == 0, nodes.c.idx == idx).values(hash=leaf[other]))
    result = run_ledger(app, "verify", "--integrity-only")
    assert result.exit_code == 1
    assert result.output.startswith("Ledger BROKEN at entry 2: its leaf in the Merkle tree (ledger_tree_node)")
    db_session.execute(sa.delete(nodes).where(nodes.c.level == 0, nodes.c.idx.in_([1, 2])))
    db_session.execute(sa.insert(nodes), [{"level": 0, "idx": 1, "hash": leaf[1]}])
    result = run_ledger(app, "verify", "--integrity-only")
    assert result.exit_code == 1
    assert result.output.startswith("Ledger BROKEN at entry 3: its leaf in the Merkle tree (ledger_tree_node)")


def test_integrity_only_checks_the_chain_tree_and_checkpoints_without_signatures(
    app, client_request, db_session, tmp_path
):
    sign_covenants(db_session, 3)
    path = saved_checkpoint(client_request, tmp_path)
    result = run_ledger(app, "verify", "--integrity-only", "--checkpoint", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("(integrity only: chain, tree and checkpoints).")
    entry = ledger_entries(db_session)[1]
    allow_tampering(db_session)
    db_session.execute(sa.text("UPDATE ledger_entry SET entry_hash = :hash WHERE seq = 2"), {"hash": "f" * 64})
    db_session.expire_all()
    result = run_ledger(app, "verify", "--integrity-only")
    assert result.exit_code == 1
    assert result.output.startswith("Ledger BROKEN at entry 2: its entry_hash does not match its fields.")
    assert entry.seq == 2


def test_no_records_checks_every_signature_and_statement_but_not_the_stored_records(app, db_session):
    [first, _second, third] = sign_covenants(db_session, 3)
    first.signer_name = "Mallory Smith"  # the stored record no longer says what was signed
    db_session.flush()
    assert run_ledger(app, "verify").output.startswith(
        f"Ledger BROKEN at entry 1: covenant_signature {first.id} signer_name differs from the signed record."
    )
    result = run_ledger(app, "verify", "--no-records")
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("(no records: chain, tree, checkpoints, signatures and statements).")

    # The newest entry re-signed by a key nobody published, its hashes made to match.
    entry = ledger_entries(db_session)[2]
    original = dsse.parse(entry.envelope)
    forged = dsse.sign(original.payload, original.payload_type, Ed25519PrivateKey.generate(), portal_key().keyid)
    envelope = canonical_json(forged.to_dict())
    envelope_sha256 = sha256_hex(envelope)
    allow_tampering(db_session)
    db_session.execute(
        sa.text(
            "UPDATE ledger_entry SET envelope = :envelope, envelope_sha256 = :sha, entry_hash = :hash WHERE seq = 3"
        ),
        {
            "envelope": envelope,
            "sha": envelope_sha256,
            "hash": ledger.entry_hash(3, entry.created_at, entry.kind, entry.subject, envelope_sha256, entry.prev_hash),
        },
    )
    db_session.expire_all()
    result = run_ledger(app, "verify", "--no-records")
    assert result.exit_code == 1
    assert result.output.startswith(
        "Ledger BROKEN at entry 3: its envelope signature does not verify with any published key."
    )
    assert third.ledger_seq == 3
