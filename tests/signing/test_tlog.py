"""The ledger as a transparency log: the tree over the receipts, signed checkpoints, tiles and proofs.

Leaves and roots are recomputed here from the receipts as downloaded, with a plain recursive RFC 6962
(MTH) of this file's own; inclusion proofs are also checked with the Merkle code of the `sigstore`
package, and checkpoints parsed by sigstore's signed-note reader: not only with the portal's code.
"""

import base64
import hashlib
import struct
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sigstore._internal.merkle import verify_merkle_inclusion
from sigstore._internal.rekor.checkpoint import SignedCheckpoint
from sqlalchemy import func, select
from sqlalchemy.orm import object_session

from covenant_portal.access import Role

from covenant_portal.signing import merkle, proofs, tree
from covenant_portal.signing.models import LedgerCheckpoint
from tests.conftest import ClientRequest
from tests.factories import create_user
from tests.signing.helpers import receipt_of, sign_covenants


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1, as written there."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def receipts(client_request, signatures) -> list[bytes]:
    """The receipts as their download returns them (to an admin, in a browser of their own)."""
    admin = ClientRequest(client_request.client.application.test_client())
    admin.login(create_user(object_session(signatures[0]), Role.ADMIN))
    return [admin.get(f"/covenant/signatures/{signature.id}/receipt").get_data() for signature in signatures]


def vkey_of(client_request) -> tuple[str, list[str]]:
    document = client_request.get("/.well-known/gm-first-keys.json").get_json()["checkpoints"]
    return document["origin"], [key["vkey"] for key in document["verifier_keys"]]


def verified_by_hand(checkpoint_text: str, vkey: str) -> tuple[str, int, bytes]:
    """Checks the checkpoint's Ed25519 signature with nothing but the signed-note rules and sigstore's
    note parser; (origin, size, root)."""
    name, key_id_hex, encoded = vkey.split("+", 2)
    raw = base64.b64decode(encoded)
    assert raw[0] == 0x01 and hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() == key_id_hex
    signed = SignedCheckpoint.from_text(checkpoint_text)
    [signature] = [s for s in signed.signed_note.signatures if s.name == name and s.sig_hash.hex() == key_id_hex]
    Ed25519PublicKey.from_public_bytes(raw[1:]).verify(
        base64.b64decode(signature.signature), signed.signed_note.note.encode()
    )
    checkpoint = signed.checkpoint
    return checkpoint.origin, checkpoint.log_size, bytes.fromhex(checkpoint.log_hash)


def test_each_entry_is_a_leaf_of_its_receipt_and_a_checkpoint_covers_it(client_request, db_session):
    signatures = sign_covenants(db_session, 5)
    leaves = receipts(client_request, signatures)
    origin, [vkey] = vkey_of(client_request)
    assert origin == "localhost"  # BASE_URL http://localhost without its scheme
    response = client_request.get("/checkpoint")
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"
    assert verified_by_hand(response.get_data(as_text=True), vkey) == ("localhost", 5, mth(leaves))
    # Every earlier checkpoint is kept, and says what the tree was then.
    for size in range(1, 6):
        earlier = client_request.get(f"/ledger/checkpoints/{size}").get_data(as_text=True)
        assert verified_by_hand(earlier, vkey) == ("localhost", size, mth(leaves[:size]))
    assert tree.root_hash(db_session, 5) == mth(leaves)


def test_the_checkpoint_text_is_exactly_the_c2sp_format(client_request, db_session):
    sign_covenants(db_session, 2)
    text = client_request.get("/checkpoint").get_data(as_text=True)
    body, signatures = text.split("\n\n")
    origin, size, root = body.split("\n")
    assert (origin, size) == ("localhost", "2") and len(base64.b64decode(root, validate=True)) == 32
    [line] = signatures.rstrip("\n").split("\n")
    dash, name, signature = line.split(" ")
    assert (dash, name) == ("\u2014", "localhost") and len(base64.b64decode(signature)) == 4 + 64


def test_an_empty_ledger_has_a_checkpoint_of_size_zero(client_request, db_session, started):
    assert any("Ledger checkpoint of size 0" in done for done in started)  # signed at start-up: GETs only read
    _origin, [vkey] = vkey_of(client_request)
    text = client_request.get("/checkpoint").get_data(as_text=True)
    assert verified_by_hand(text, vkey) == ("localhost", 0, hashlib.sha256(b"").digest())


def test_inclusion_proofs_verify_with_sigstore(client_request, db_session):
    signatures = sign_covenants(db_session, 7)
    leaves = receipts(client_request, signatures)
    for size in (1, 4, 7):
        for seq in range(1, size + 1):
            proof = client_request.get(f"/ledger/proof/inclusion?seq={seq}&size={size}").get_json()
            assert (proof["seq"], proof["leafIndex"], proof["treeSize"]) == (seq, seq - 1, size)
            assert base64.b64decode(proof["rootHash"]) == mth(leaves[:size])
            entry = SimpleNamespace(
                _inner=SimpleNamespace(
                    canonicalized_body=leaves[seq - 1],
                    inclusion_proof=SimpleNamespace(
                        log_index=seq - 1,
                        tree_size=size,
                        root_hash=base64.b64decode(proof["rootHash"]),
                        hashes=[base64.b64decode(value) for value in proof["hashes"]],
                    ),
                )
            )
            verify_merkle_inclusion(entry)  # raises sigstore.errors.VerificationError if it does not
            _origin, [vkey] = vkey_of(client_request)
            assert verified_by_hand(proof["checkpoint"], vkey)[1:] == (size, mth(leaves[:size]))


def test_sigstore_refuses_an_inclusion_proof_of_another_receipt(client_request, db_session):
    from sigstore.errors import VerificationError

    signatures = sign_covenants(db_session, 3)
    leaves = receipts(client_request, signatures)
    proof = client_request.get("/ledger/proof/inclusion?seq=2").get_json()
    entry = SimpleNamespace(
        _inner=SimpleNamespace(
            canonicalized_body=leaves[0],
            inclusion_proof=SimpleNamespace(
                log_index=1,
                tree_size=3,
                root_hash=base64.b64decode(proof["rootHash"]),
                hashes=[base64.b64decode(value) for value in proof["hashes"]],
            ),
        )
    )
    with pytest.raises(VerificationError):
        verify_merkle_inclusion(entry)


def test_consistency_proofs_link_every_earlier_tree_to_the_latest(client_request, db_session):
    signatures = sign_covenants(db_session, 6)
    leaves = receipts(client_request, signatures)
    for old in range(0, 7):
        proof = client_request.get(f"/ledger/proof/consistency?from={old}").get_json()
        assert (proof["from"], proof["to"]) == (old, 6)
        assert base64.b64decode(proof["fromRootHash"]) == mth(leaves[:old])
        merkle.verify_consistency(
            old, 6, mth(leaves[:old]), mth(leaves), [base64.b64decode(value) for value in proof["hashes"]]
        )
        assert (proof["fromCheckpoint"] is None) == (old == 0)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(
            3,
            6,
            mth(leaves[1:4]),
            mth(leaves),
            [
                base64.b64decode(value)
                for value in client_request.get("/ledger/proof/consistency?from=3").get_json()["hashes"]
            ],
        )


@pytest.mark.parametrize(
    "url, status",
    [
        ("/ledger/proof/inclusion?seq=0", 400),
        ("/ledger/proof/inclusion?seq=9", 404),
        ("/ledger/proof/inclusion?seq=two", 400),
        ("/ledger/proof/inclusion", 400),
        ("/ledger/proof/inclusion?seq=1&size=99", 404),
        ("/ledger/proof/consistency?from=5", 400),
        ("/ledger/proof/consistency?from=-1", 400),
    ],
)
def test_a_proof_that_cannot_be_made_is_a_plain_json_error(client_request, db_session, url, status):
    sign_covenants(db_session, 2)
    response = client_request.get(url, expected_status=status)
    assert response.get_json()["error"]


def test_entry_0_is_a_request_that_makes_no_sense_not_an_entry_missing(client_request, db_session):
    sign_covenants(db_session, 2)
    for url in ("/ledger/proof/inclusion?seq=0", "/ledger/proof/inclusion?seq=0&size=2"):
        response = client_request.get(url, expected_status=400)
        assert response.get_json() == {"error": "seq must be 1 or more: the ledger's entries are numbered from 1."}
    download = client_request.get("/ledger/entries/0/inclusion-proof.json", expected_status=404)
    assert download.get_json() == {"error": "The ledger has no entry 0."}


def test_tiles_are_the_tree_s_hashes_and_immutable(client_request, db_session):
    signatures = sign_covenants(db_session, 3)
    leaves = receipts(client_request, signatures)
    response = client_request.get("/tile/0/000.p/3")
    assert response.content_type == "application/octet-stream"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.get_data() == b"".join(hashlib.sha256(b"\x00" + leaf).digest() for leaf in leaves)
    assert client_request.get("/tile/0/000.p/2").get_data() == response.get_data()[:64]
    for missing in (
        "/tile/0/000.p/4",
        "/tile/0/000",
        "/tile/1/000.p/1",
        "/tile/0/x000/000.p/1",
        "/tile/0/00.p/1",
        "/tile/0/000.p/01",
        "/tile/64/000.p/1",
        "/tile/entries/000.p/4",
        "/tile/entries/000",
        "/tile/entries/00.p/1",
        "/tile/entries/0/000.p/1",
        "/tile/entries",
    ):
        response = client_request.get(missing, expected_status=404)
        assert response.mimetype == "text/plain"  # for witnesses' scripts
        assert response.headers["Cache-Control"] == "no-store"  # a tile missing now may be served later
    assert client_request.get("/tile/0/000.p/4", expected_status=404).get_data(as_text=True) == (
        "No such tile in the latest checkpoint's tree.\n"
    )


def test_an_unknown_checkpoint_or_a_number_too_large_is_a_clear_answer_not_a_failure(client_request, db_session):
    sign_covenants(db_session, 2)
    response = client_request.get("/ledger/checkpoints/3", expected_status=404)
    assert response.get_data(as_text=True) == "The portal signed no checkpoint of size 3.\n"
    # Any other path below it is the same plain-text answer (not the site's HTML page), and each
    # checkpoint has one URL: its size as the portal writes it.
    for size in ("99999999999999999999", "-1", "abc", "007", "٣"):
        response = client_request.get(f"/ledger/checkpoints/{size}", expected_status=404)
        assert response.mimetype == "text/plain", size
        assert response.get_data(as_text=True) == f"The portal signed no checkpoint of size {size}.\n"
    for seq in ("-1", "abc", "01", "99999999999999999999"):
        response = client_request.get(f"/ledger/entries/{seq}/inclusion-proof.json", expected_status=404)
        assert response.get_json() == {"error": f"The ledger has no entry {seq}."}
    assert client_request.get("/ledger/checkpoints/2").get_data(as_text=True).startswith("localhost\n2\n")
    for query, message in [
        ("seq=99999999999999999999", "seq is larger than the ledger."),
        ("seq=1&size=1e3", "size must be a whole number."),
    ]:
        answer = client_request.get(f"/ledger/proof/inclusion?{query}", expected_status=400).get_json()
        assert answer == {"error": message}


def test_a_full_tile_its_entry_bundle_and_the_level_above(client_request, db_session):
    signatures = sign_covenants(db_session, 257)
    leaves = receipts(client_request, signatures)
    full = client_request.get("/tile/0/000").get_data()
    assert full == b"".join(hashlib.sha256(b"\x00" + leaf).digest() for leaf in leaves[:256])
    assert client_request.get("/tile/0/001.p/1").get_data() == hashlib.sha256(b"\x00" + leaves[256]).digest()
    assert client_request.get("/tile/1/000.p/1").get_data() == mth(leaves[:256])
    assert bundled_entries(client_request.get("/tile/entries/000").get_data()) == leaves[:256]
    assert bundled_entries(client_request.get("/tile/entries/001.p/1").get_data()) == leaves[256:]
    assert db_session.scalar(select(func.count()).select_from(LedgerCheckpoint)) == 257


def bundled_entries(bundle: bytes) -> list[bytes]:
    """The entries of a c2sp.org/tlog-tiles entry bundle, read as the specification says (each a
    big-endian uint16 length, then that many bytes), independently of the portal's code."""
    entries, at = [], 0
    while at < len(bundle):
        (length,) = struct.unpack(">H", bundle[at : at + 2])
        entries.append(bundle[at + 2 : at + 2 + length])
        at += 2 + length
    assert at == len(bundle)  # nothing left over, no entry cut short
    return entries


def test_entry_bundles_hold_the_receipts_the_tiles_hash(client_request, db_session):
    signatures = sign_covenants(db_session, 3)
    leaves = receipts(client_request, signatures)
    response = client_request.get("/tile/entries/000.p/3")
    assert response.content_type == "application/octet-stream"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    entries = bundled_entries(response.get_data())
    assert entries == leaves  # each entry is its receipt, byte for byte
    hashes = client_request.get("/tile/0/000.p/3").get_data()
    assert b"".join(hashlib.sha256(b"\x00" + entry).digest() for entry in entries) == hashes
    assert bundled_entries(client_request.get("/tile/entries/000.p/2").get_data()) == leaves[:2]
    missing = client_request.get("/tile/entries/000.p/4", expected_status=404)
    assert missing.get_data(as_text=True) == "No such entry bundle in the latest checkpoint's tree.\n"


def test_tile_paths_follow_the_specification():
    assert tree.tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tree.tile_path(2, 5, 17) == "tile/2/005.p/17"
    assert tree.parse_tile_path("0/x001/x234/067") == (0, 1234067, 256)
    assert tree.parse_tile_path("1/x001/000.p/255") == (1, 1000, 255)
    for wrong in ("0/1234067", "0/x1/234", "00/000", "0/000.p/256", "0/000.p/0", "0/000/", "0/x000/001"):
        assert tree.parse_tile_path(wrong) is None, wrong


def test_a_record_page_offers_its_proof_of_inclusion(client_request, db_session):
    [signature] = sign_covenants(db_session, 1)
    client_request.login(signature.signer)
    page = client_request.get(f"/covenant/signatures/{signature.id}").get_data(as_text=True)
    assert "Download proof of inclusion" in page
    assert f'href="/ledger/entries/{signature.ledger_seq}/inclusion-proof.json"' in page
    download = client_request.get(f"/ledger/entries/{signature.ledger_seq}/inclusion-proof.json")
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="gm-first-inclusion-proof-GMF-000001.json"'
    )
    proof = download.get_json()
    assert proof["treeSize"] == 1 and proof["hashes"] == []
    assert base64.b64decode(proof["leafHash"]) == hashlib.sha256(b"\x00" + receipt_of(db_session, signature)).digest()


def test_proofs_of_the_latest_checkpoint_follow_the_ledger_as_it_grows(client_request, db_session, monkeypatch):
    """The latest checkpoint's proof is read with the checkpoint in one query, for the size last
    seen; when the ledger has grown (or is another, shorter one) since, the proof is still of the
    checkpoint served with it."""
    signatures = sign_covenants(db_session, 3)
    for seq in (2, 3):
        proof = client_request.get(f"/ledger/proof/inclusion?seq={seq}").get_json()
        assert proof["treeSize"] == 3
    signatures += sign_covenants(db_session, 3)
    leaves = receipts(client_request, signatures)
    for seq in (2, 6, 5):
        proof = client_request.get(f"/ledger/proof/inclusion?seq={seq}").get_json()
        assert (proof["seq"], proof["treeSize"]) == (seq, 6)
        assert base64.b64decode(proof["rootHash"]) == mth(leaves)
        assert f"\n6\n{proof['rootHash']}\n" in proof["checkpoint"]
        merkle.verify_inclusion(
            seq - 1,
            6,
            merkle.leaf_hash(leaves[seq - 1]),
            [base64.b64decode(value) for value in proof["hashes"]],
            mth(leaves),
        )
    monkeypatch.setattr(proofs, "_latest_size", [1_000])  # as if last seen on a longer ledger
    proof = client_request.get("/ledger/proof/inclusion?seq=4").get_json()
    assert (proof["treeSize"], base64.b64decode(proof["rootHash"])) == (6, mth(leaves))
    client_request.get("/ledger/proof/inclusion?seq=7", expected_status=404)
