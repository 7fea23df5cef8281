"""Admins register witness keys (audited); POST /checkpoint/cosignatures, called by witnesses'
scripts without a session or CSRF token, keeps valid cosignatures by registered keys only."""

import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from covenant_portal.access import Role
from covenant_portal.audit.models import AuditEvent
from covenant_portal.signing import note
from covenant_portal.signing.models import CheckpointCosignature, WitnessKey
from tests.factories import create_user
from tests.signing.helpers import sign_covenants

NAME = "witness.example.org/wigan"


def witness_key(name: str = NAME) -> tuple[Ed25519PrivateKey, str]:
    private = Ed25519PrivateKey.generate()
    return private, str(note.VerifierKey(name, note.COSIGNATURE_V1, private.public_key().public_bytes_raw()))


def register(client_request, db_session, vkey: str, expected_status=302):
    client_request.login(create_user(db_session, Role.ADMIN))
    return client_request.post(
        "/admin/witnesses",
        {"verifier_key": vkey, "description": "Wigan Council"},
        expected_status=expected_status,
        expected_redirect="/admin/witnesses" if expected_status == 302 else None,
    )


def cosigned(client_request, private: Ed25519PrivateKey, name: str = NAME) -> bytes:
    served = note.parse_note(client_request.get("/checkpoint").get_data())
    own = note.Note(served.text, served.signatures[:1])
    return str(own.with_signatures([note.cosign(served.text, name, private, int(time.time()))])).encode()


def test_an_admin_registers_a_witness_key_and_it_is_audited(client_request, db_session):
    _private, vkey = witness_key()
    register(client_request, db_session, vkey)
    page = client_request.get("/admin/witnesses").get_data(as_text=True)
    assert NAME in page and vkey in page and "Wigan Council" in page and "Not yet" in page
    witness = db_session.scalars(select(WitnessKey)).one()
    assert db_session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "WitnessKey")) == (
        "witness_key.registered"
    )
    client_request.post(
        f"/admin/witnesses/{witness.id}/remove", form_url="/admin/witnesses", expected_redirect="/admin/witnesses"
    )
    db_session.refresh(witness)
    assert witness.removed_at is not None
    assert vkey not in client_request.get("/admin/witnesses").get_data(as_text=True)
    assert "witness_key.removed" in db_session.scalars(select(AuditEvent.action)).all()


def test_a_wrong_key_is_refused_next_to_the_field_keeping_the_input(client_request, db_session):
    for wrong, message in [
        (
            "not a key",
            "Enter a witness verifier key: a verifier key is &lt;name&gt;+&lt;key ID in hex&gt;+&lt;base64 key&gt;",
        ),
        (str(note.VerifierKey("log.example", note.ED25519, b"\x01" * 32)), "Enter a cosignature key (type 0x04"),
    ]:
        page = register(client_request, db_session, wrong, expected_status=400).get_data(as_text=True)
        assert message in page
        assert f'value="{wrong}"' in page.replace("&#43;", "+")
    _private, vkey = witness_key()
    register(client_request, db_session, vkey)
    page = register(client_request, db_session, vkey, expected_status=400).get_data(as_text=True)
    assert "That witness key is already registered" in page


def test_a_wrong_key_and_no_one_named_to_run_it_are_both_said_at_once(client_request, db_session):
    client_request.login(create_user(db_session, Role.ADMIN))
    response = client_request.post(
        "/admin/witnesses", {"verifier_key": "not a key", "description": ""}, expected_status=400
    )
    assert response.page.error_summary == [
        "Enter a witness verifier key: a verifier key is <name>+<key ID in hex>+<base64 key>",
        "Enter who runs the witness",
    ]
    assert 'value="not a key"' in response.get_data(as_text=True)
    assert db_session.scalars(select(WitnessKey)).all() == []


def test_a_removed_witness_can_be_registered_again(client_request, db_session):
    _private, vkey = witness_key()
    register(client_request, db_session, vkey)
    witness = db_session.scalars(select(WitnessKey)).one()
    client_request.post(
        f"/admin/witnesses/{witness.id}/remove", form_url="/admin/witnesses", expected_redirect="/admin/witnesses"
    )
    assert "To undo this, register its key again." in client_request.get("/admin/witnesses").get_data(as_text=True)
    register(client_request, db_session, vkey)  # the removal was a mistake
    db_session.refresh(witness)
    assert witness.removed_at is None and db_session.scalars(select(WitnessKey)).all() == [witness]
    assert vkey in client_request.get("/admin/witnesses").get_data(as_text=True)
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "WitnessKey").order_by(AuditEvent.id)
    ).all()
    assert actions == ["witness_key.registered", "witness_key.removed", "witness_key.registered"]


def test_a_registered_witness_s_cosignature_is_kept_served_and_audited(app, client_request, db_session):
    sign_covenants(db_session, 2)
    private, vkey = witness_key()
    register(client_request, db_session, vkey)
    body = cosigned(client_request, private)
    script = app.test_client()  # a script: no session, no CSRF token
    response = script.post(
        "/checkpoint/cosignatures",
        data=body,
        content_type="text/plain",
        headers={"User-Agent": "gm-first-witness"},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_data(as_text=True) == f"Kept {NAME}'s cosignature of the checkpoint of size 2\n"
    again = script.post("/checkpoint/cosignatures", data=body, content_type="text/plain")
    assert again.get_data(as_text=True) == f"Kept {NAME}'s cosignature of the checkpoint of size 2 (already kept)\n"
    assert len(db_session.scalars(select(CheckpointCosignature)).all()) == 1
    served = note.parse_note(script.get("/checkpoint").get_data())
    assert note.cosigned_at(served, note.parse_verifier_key(vkey)) is not None
    # Posted by the witness's script, from its address: not by the portal itself.
    [event] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "checkpoint.cosigned")).all()
    assert (event.actor_id, event.ip_address, event.user_agent) == (None, "192.0.2.7", "gm-first-witness")
    assert "size 2" in client_request.get("/admin/witnesses").get_data(as_text=True)


def test_a_removed_witness_s_cosignatures_are_not_served_until_its_key_is_registered_again(
    app, client_request, db_session
):
    sign_covenants(db_session, 2)
    private, vkey = witness_key()
    register(client_request, db_session, vkey)
    script = app.test_client()
    assert script.post("/checkpoint/cosignatures", data=cosigned(client_request, private)).status_code == 200
    witness, key = db_session.scalars(select(WitnessKey)).one(), note.parse_verifier_key(vkey)

    def served() -> list:
        return [
            note.cosigned_at(note.parse_note(script.get(url).get_data()), key)
            for url in ("/checkpoint", "/ledger/checkpoints/2")
        ]

    assert all(served())
    client_request.post(
        f"/admin/witnesses/{witness.id}/remove", form_url="/admin/witnesses", expected_redirect="/admin/witnesses"
    )
    page = client_request.get("/admin/witnesses").get_data(as_text=True)
    assert "Its cosignatures are kept but no longer served with the checkpoints." in page
    assert served() == [None, None]
    assert len(db_session.scalars(select(CheckpointCosignature)).all()) == 1  # kept
    register(client_request, db_session, vkey)  # the removal undone
    assert all(served())


def test_cosignatures_of_unregistered_keys_or_unknown_checkpoints_are_refused(app, client_request, db_session):
    sign_covenants(db_session, 1)
    private, vkey = witness_key()
    script = app.test_client()
    unregistered = script.post("/checkpoint/cosignatures", data=cosigned(client_request, private))
    assert unregistered.status_code == 403
    register(client_request, db_session, vkey)
    stranger, _vkey = witness_key("stranger.example")
    assert (
        script.post("/checkpoint/cosignatures", data=cosigned(client_request, stranger, "stranger.example")).status_code
        == 403
    )
    body = cosigned(client_request, private).decode()
    never_signed = body.replace("\n1\n", "\n7\n", 1)
    assert script.post("/checkpoint/cosignatures", data=never_signed.encode()).status_code == 409
    assert script.post("/checkpoint/cosignatures", data=b"garbage").status_code == 400
    assert db_session.scalars(select(CheckpointCosignature)).all() == []


def test_a_cosignature_stating_a_time_no_date_holds_is_refused_not_a_500(app, client_request, db_session):
    sign_covenants(db_session, 1)
    private, vkey = witness_key()
    register(client_request, db_session, vkey)
    served = note.parse_note(client_request.get("/checkpoint").get_data())
    script = app.test_client()
    for timestamp in (253402300800, 2**63 - 1, 2**64 - 1):  # the year 10000; the largest the format holds
        body = str(
            note.Note(served.text, served.signatures[:1] + (note.cosign(served.text, NAME, private, timestamp),))
        )
        response = script.post("/checkpoint/cosignatures", data=body.encode(), content_type="text/plain")
        assert response.status_code == 403, response.get_data(as_text=True)
        assert response.get_data(as_text=True) == (
            f"{NAME}'s cosignature states the time {timestamp}, which is after the year 9999: "
            "is the witness's clock right?\n"
        )
    assert db_session.scalars(select(CheckpointCosignature)).all() == []
    assert script.post("/checkpoint/cosignatures", data=cosigned(client_request, private)).status_code == 200


def test_a_body_over_the_limit_gets_a_plain_text_413_not_the_receipt_checker(app):
    response = app.test_client().post("/checkpoint/cosignatures", data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "The request body is larger than 2 MB, so it is not read.\n"


def test_who_runs_a_witness_must_be_said_in_words_not_spaces(client_request, db_session):
    _private, vkey = witness_key()
    client_request.login(create_user(db_session, Role.ADMIN))
    page = client_request.post(
        "/admin/witnesses", {"verifier_key": vkey, "description": "   "}, expected_status=400
    ).get_data(as_text=True)
    assert "Enter who runs the witness" in page
    assert db_session.scalars(select(WitnessKey)).all() == []
    register(client_request, db_session, vkey)
    assert db_session.scalars(select(WitnessKey.description)).one() == "Wigan Council"


def test_admins_find_the_witnesses_under_logs_and_on_their_dashboard(client_request, db_session):
    client_request.login(create_user(db_session, Role.ADMIN))
    for url in ("/admin/audit", "/admin/witnesses"):
        page = client_request.get_page(url)
        navigation = page.select_one('nav[aria-label="Logs"]')
        assert navigation is not None and navigation.select_one('a[href="/admin/witnesses"]') is not None
    witnesses = client_request.get_page("/admin/witnesses").select_one('nav[aria-label="Logs"] a[aria-current="page"]')
    assert witnesses.get_text(strip=True) == "Witnesses"
    assert client_request.get_page("/dashboard").select_one('a[href="/admin/witnesses"]') is not None


def test_the_witnesses_page_has_each_id_once(client_request, db_session):
    register(client_request, db_session, witness_key()[1])
    register(client_request, db_session, witness_key("witness.example.org/bury")[1])
    page = client_request.get_page("/admin/witnesses")
    ids = [element["id"] for element in page.select("[id]")]
    assert len(page.select('form[action$="/remove"]')) == 2
    assert len(ids) == len(set(ids)), sorted(ids)
