"""Every checkpoint the portal keeps is checked by `ledger verify`, not only its latest: each is
published for ever at /ledger/checkpoints/<size>, and proofs at its size refer to it. And the proofs
that refer to a kept checkpoint the stored tree does not lead to are refused, saying why."""

import base64

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from covenant_portal.signing import note
from covenant_portal.signing.models import LedgerCheckpoint
from covenant_portal.signing.portal_key import portal_key
from tests.signing.helpers import allow_tampering, run_ledger, sign_covenants

CHECKPOINTS = LedgerCheckpoint.__table__


def kept_note(session, size: int) -> str:
    return session.execute(sa.select(CHECKPOINTS.c.note).where(CHECKPOINTS.c.tree_size == size)).scalar_one()


def replace_checkpoint(session, size: int, text: str, root: bytes | None = None) -> None:
    values = {"note": text} | ({"root_hash": root} if root is not None else {})
    allow_tampering(session)
    session.execute(sa.update(CHECKPOINTS).where(CHECKPOINTS.c.tree_size == size).values(values))


def signed_by_portal(app, size: int, root: bytes, origin: str | None = None) -> str:
    with app.app_context():
        key = portal_key()
        body = note.Checkpoint(origin or key.origin, size, root).text
        return str(note.Note(body, (note.sign_note(body, origin or key.origin, key.private_key),)))


def verified(app, *options) -> tuple[int, str]:
    result = run_ledger(app, "verify", *options)
    return result.exit_code, result.output


def test_an_earlier_checkpoint_re_signed_over_another_root_is_caught_by_both_checks(app, db_session):
    sign_covenants(db_session, 4)
    assert verified(app)[0] == 0
    wrong = b"\x05" * 32
    replace_checkpoint(db_session, 2, signed_by_portal(app, 2, wrong), wrong)
    for options in ((), ("--integrity-only",)):
        code, output = verified(app, *options)
        assert code == 1, output
        assert output == (
            "Ledger BROKEN: the portal's checkpoint of size 2 does not match the ledger: its first 2 entries hash "
            "to another root, so that checkpoint was changed or replaced after it was signed.\n"
        )


def test_an_earlier_checkpoint_whose_note_says_another_size_is_caught(app, db_session):
    sign_covenants(db_session, 4)
    replace_checkpoint(db_session, 3, kept_note(db_session, 3).replace("\n3\n", "\n4\n", 1))
    code, output = verified(app)
    assert code == 1, output
    assert "the portal's checkpoint of size 3 is not signed by its key " in output  # its text changed
    code, output = verified(app, "--integrity-only")
    assert code == 1, output
    assert "the portal's checkpoint of size 3 does not say the size and root hash kept beside it" in output


def test_an_earlier_checkpoint_with_a_signature_not_the_portal_s_fails_the_full_check(app, db_session):
    sign_covenants(db_session, 4)
    text = kept_note(db_session, 1)
    body = note.parse_note(text).text
    with app.app_context():
        origin = portal_key().origin
    replace_checkpoint(
        db_session, 1, str(note.Note(body, (note.sign_note(body, origin, Ed25519PrivateKey.generate()),)))
    )
    code, output = verified(app)
    assert code == 1, output
    assert "the portal's checkpoint of size 1 is not signed by its key " in output
    # Integrity only checks no signature but the latest checkpoint's: the note still says the right root.
    assert verified(app, "--integrity-only")[0] == 0


def test_a_proof_at_a_kept_checkpoint_the_stored_tree_does_not_lead_to_is_refused_saying_why(
    app, client_request, db_session
):
    sign_covenants(db_session, 4)
    wrong = b"\x05" * 32
    replace_checkpoint(db_session, 2, signed_by_portal(app, 2, wrong), wrong)
    for url in ("/ledger/proof/inclusion?seq=1&size=2", "/ledger/proof/consistency?from=2&to=4"):
        response = client_request.get(url, expected_status=503)
        assert response.get_json() == {
            "error": "The portal's stored tree does not lead to its signed checkpoint of size 2. "
            "This is a fault at the portal, not in the request: its administrators can find it with "
            "`ledger verify`. No proof can be given at that size until it is put right."
        }
    assert base64.b64decode(client_request.get("/ledger/proof/consistency?from=1&to=4").get_json()["fromRootHash"])


def test_earlier_checkpoints_signed_under_the_portal_s_earlier_address_still_verify(app, db_session):
    sign_covenants(db_session, 3)
    root = db_session.execute(sa.select(CHECKPOINTS.c.root_hash).where(CHECKPOINTS.c.tree_size == 2)).scalar_one()
    replace_checkpoint(db_session, 2, signed_by_portal(app, 2, bytes(root), origin="covenant.old-address.example"))
    code, output = verified(app)
    assert code == 0, output
    assert output.startswith("Ledger OK: 3 entries")
