"""/verify: anyone uploads or pastes a receipt and sees whether it is valid, who signed what and
when, with which key, and whether it is in the ledger; bad input gets a clear message, never a 500."""

import base64
import html
import io
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from covenant_portal.signing import dsse
from covenant_portal.signing.canonical import canonical_json
from covenant_portal.signing.models import SigningKey
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.signing.service import signed_envelope
from tests.conftest import check_page, csrf_token_in
from tests.signing.helpers import receipt_of, remove_entry, run_ledger, sign_covenants, statement_in

SIGNED_AT = datetime(2026, 7, 1, 11, 30, tzinfo=timezone.utc)  # 12:30pm in London (summer time)


@pytest.fixture
def signature(db_session):
    sign_covenants(db_session, 2)  # so the receipt checked is not the first entry
    [signature] = sign_covenants(db_session, 1, SIGNED_AT)
    return signature


@pytest.fixture
def receipt(db_session, signature) -> bytes:
    return receipt_of(db_session, signature)


def paste(client_request, text: str, expected_status=200) -> str:
    response = client_request.post("/verify", {"receipt_text": text}, expected_status=expected_status)
    return response.get_data(as_text=True)


def upload(client_request, content: bytes, expected_status=200, filename="receipt.json") -> str:
    response = client_request.post(
        "/verify", {"receipt_file": (io.BytesIO(content), filename)}, expected_status=expected_status
    )
    return response.get_data(as_text=True)


def text_of(page: str) -> str:
    """The words on the page, as a person reads them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def pasted_text_shown(page: str) -> str:
    return html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1))


def test_the_page_is_public(client_request):
    page = client_request.get("/verify").get_data(as_text=True)
    assert "Check a signed receipt" in page
    assert 'enctype="multipart/form-data"' in page
    assert "/.well-known/gm-first-keys.json" in page


def test_an_uploaded_receipt_shows_who_signed_what_when_with_which_key_and_its_ledger_entry(
    client_request, db_session, signature, receipt
):
    page = text_of(upload(client_request, receipt))

    assert "The receipt is valid" in page
    assert f"Signed by {signature.signer_name}, {signature.signer_job_title}" in page
    assert f"Organisation {signature.organisation.name}" in page
    assert "Covenant version Version 1: " in page
    assert f"urn:gm-first:covenant-signature:{signature.id}" in page
    assert "urn:gm-first:predicate:covenant-signature:v1" in page
    assert signature.covenant_version.document_sha256 in page
    assert "UK time 1 July 2026 at 12:30pm" in page
    assert "UTC 2026-07-01 11:30:00 UTC" in page
    key = db_session.get(SigningKey, portal_key().keyid)
    assert f"Key id {key.keyid}" in page
    assert "Retired No, it is the current key" in page
    assert "This record is entry 3 of the portal’s ledger" in page


def test_a_pasted_receipt_is_checked_too(client_request, receipt):
    page = text_of(paste(client_request, receipt.decode()))
    assert "The receipt is valid" in page
    assert "This record is entry 3 of the portal’s ledger" in page


def test_a_receipt_reformatted_by_a_tool_is_still_the_same_record_in_the_ledger(client_request, receipt):
    pretty = json.dumps(json.loads(receipt), indent=4, sort_keys=False)
    assert pretty.encode() != receipt
    page = text_of(paste(client_request, pretty))
    assert "This record is entry 3 of the portal’s ledger" in page
    # Once in RFC 8785 form it is the ledger's receipt, byte for byte: the proof leads from it.
    assert "The portal signed it, and it has not been changed since." in page
    assert "its hashes lead from this receipt to the root" in page
    assert "not exactly the ledger’s copy" not in page


def test_url_safe_base64_and_a_wrong_keyid_hint_are_accepted(client_request, receipt):
    envelope = json.loads(receipt)
    envelope["payload"] = base64.urlsafe_b64encode(base64.b64decode(envelope["payload"])).decode().rstrip("=")
    signature = envelope["signatures"][0]
    signature["sig"] = base64.urlsafe_b64encode(base64.b64decode(signature["sig"])).decode().rstrip("=")
    signature["keyid"] = "not-a-key-we-know"
    page = text_of(paste(client_request, json.dumps(envelope)))
    assert "The receipt is valid" in page
    assert "This record is entry 3 of the portal’s ledger" in page
    # The same record, but not the ledger's receipt: the page does not say the proof leads from it.
    assert "The portal signed what it says, and that has not been changed since." in page
    assert "This file is not exactly the ledger’s copy of the receipt." in page
    assert "lead from the ledger’s copy of this receipt (not this file, see above) to the root" in page


def error_shown(page: str) -> str:
    """The message next to the field (GOV.UK error message), also in the error summary."""
    assert "govuk-error-summary" in page
    start = page.index('<p id="receipt_')
    return text_of(page[start : page.index("</p>", start)]).removeprefix("Error: ")


def forged_with_another_key(receipt: bytes) -> str:
    envelope = dsse.parse(receipt)
    forger = Ed25519PrivateKey.generate()
    return canonical_json(dsse.sign(envelope.payload, envelope.payload_type, forger, "x").to_dict()).decode()


def with_payload_changed(receipt: bytes) -> str:
    envelope = json.loads(receipt)
    statement = statement_in(receipt)
    statement["predicate"]["signer"]["name"] = "Somebody Else"
    envelope["payload"] = base64.b64encode(canonical_json(statement)).decode()
    return json.dumps(envelope)


def signed_by_the_portal(payload: bytes, payload_type=dsse.IN_TOTO_PAYLOAD_TYPE) -> str:
    key = portal_key()
    return canonical_json(dsse.sign(payload, payload_type, key.private_key, key.keyid).to_dict()).decode()


NOT_THE_PORTALS = (
    "The signature does not match any of the portal’s keys. The receipt was changed after it was signed, "
    "or it was not signed by the portal."
)


@pytest.mark.parametrize(
    "make_input, message",
    [
        (lambda receipt: "hello", "The receipt is not valid JSON. It may be truncated or damaged."),
        (lambda receipt: receipt[: len(receipt) // 2].decode(), "The receipt is not valid JSON. It may be truncated"),
        (lambda receipt: "[1, 2]", "The receipt must be a JSON object with payload, payloadType and signatures."),
        (
            lambda receipt: '{"payloadType": "x", "payload": "%%%", "signatures": []}',
            "The receipt’s payload is missing or not valid base64.",
        ),
        (
            lambda receipt: " " * dsse.MAX_ENVELOPE_BYTES + receipt.decode(),
            "The receipt is larger than 1 MB, so it cannot be a portal receipt.",
        ),
        (forged_with_another_key, NOT_THE_PORTALS),
        (with_payload_changed, NOT_THE_PORTALS),
        (
            lambda receipt: signed_by_the_portal(b"hello", "text/plain"),
            "The receipt’s payloadType is “text/plain”, not application/vnd.in-toto+json, so it is not a portal receipt.",
        ),
        (
            lambda receipt: signed_by_the_portal(b'{"hello": "world"}'),
            "The receipt is signed by the portal but what it signs is not an in-toto statement.",
        ),
        (lambda receipt: "[" * 2048, "The receipt is not valid JSON. It may be truncated or damaged."),
        (lambda receipt: '{"a": ' * 2048, "The receipt is not valid JSON. It may be truncated or damaged."),
        (
            lambda receipt: signed_by_the_portal(b"[" * 5000 + b"]" * 5000),
            "The receipt is signed by the portal but what it signs is not an in-toto statement.",
        ),
        # Python refuses to read an integer of more than 4,300 digits (a ValueError, not a
        # JSONDecodeError): still not a receipt.
        (
            lambda receipt: '{"payload":1' + "0" * 5000 + "}",
            "The receipt is not valid JSON. It may be truncated or damaged.",
        ),
        (
            lambda receipt: signed_by_the_portal(b'{"_type":1' + b"0" * 5000 + b"}"),
            "The receipt is signed by the portal but what it signs is not an in-toto statement.",
        ),
        # A lone surrogate is valid JSON but no text: the message names it without breaking the page.
        (
            lambda receipt: receipt.decode().replace("application/vnd.in-toto+json", "\\ud800"),
            "The receipt’s payloadType is “\\ud800”",
        ),
    ],
    ids=[
        "garbage",
        "truncated",
        "not an object",
        "bad base64",
        "oversized",
        "another key",
        "payload changed",
        "wrong payload type",
        "not in-toto",
        "nested deep",
        "objects nested deep",
        "signed payload nested deep",
        "huge number",
        "signed huge number",
        "lone surrogate",
    ],
)
def test_bad_receipts_get_a_clear_message_next_to_the_field_and_keep_what_was_typed(
    client_request, db_session, receipt, make_input, message
):
    typed = make_input(receipt)
    page = paste(client_request, typed, expected_status=400)
    assert error_shown(page).startswith(message)
    assert pasted_text_shown(page) == typed


def test_a_bad_uploaded_file_gets_its_message_next_to_the_file_field(client_request, receipt):
    page = upload(client_request, forged_with_another_key(receipt).encode(), expected_status=400)
    assert 'id="receipt_file-error"' in page
    assert error_shown(page) == NOT_THE_PORTALS


def test_an_upload_larger_than_the_limit_is_refused_with_a_clear_message(client_request, receipt):
    page = upload(client_request, b" " * (3 * 1024 * 1024) + receipt, expected_status=413)
    check_page(page)
    assert "Error: Check a signed receipt" in page
    assert error_shown(page).startswith("The receipt is larger than 1 MB")
    assert csrf_token_in(page)


def test_an_upload_just_over_one_megabyte_is_refused_by_the_receipt_check(client_request, receipt):
    page = upload(client_request, receipt + b" " * dsse.MAX_ENVELOPE_BYTES, expected_status=400)
    assert error_shown(page).startswith("The receipt is larger than 1 MB")


@pytest.mark.parametrize("data", [{}, {"receipt_text": "   "}], ids=["nothing", "spaces"])
def test_nothing_sent_is_asked_for(client_request, data):
    page = client_request.post("/verify", data, expected_status=400).get_data(as_text=True)
    assert error_shown(page) == "Upload a receipt file, paste a receipt or enter a receipt reference"


def test_a_file_and_pasted_text_together_are_refused(client_request, receipt):
    page = client_request.post(
        "/verify",
        {"receipt_file": (io.BytesIO(receipt), "receipt.json"), "receipt_text": receipt.decode()},
        expected_status=400,
    ).get_data(as_text=True)
    assert error_shown(page) == "Upload a receipt file, paste a receipt or enter a receipt reference, not more than one"


def test_a_receipt_signed_after_its_key_was_retired_is_flagged(client_request, db_session, receipt):
    key = db_session.get(SigningKey, portal_key().keyid)
    key.valid_until = SIGNED_AT - timedelta(days=1)
    db_session.flush()
    page = text_of(upload(client_request, receipt))
    assert "The receipt is valid" in page
    assert "signed after its key was retired on 30 June 2026 at 12:30pm" in page
    assert "Retired 30 June 2026 at 12:30pm" in page


def test_a_genuine_signature_missing_from_the_ledger_is_flagged(client_request, db_session, signature, receipt):
    statement = statement_in(receipt)
    unrecorded = signed_envelope(
        portal_key(),
        "urn:gm-first:covenant-signature:999",
        "0" * 64,
        statement["predicateType"],
        statement["predicate"],
    )
    page = text_of(upload(client_request, unrecorded))
    assert "The receipt is valid" in page
    assert "This record is not in the portal’s ledger." in page


def test_a_signed_ledger_head_shows_the_ledger_has_only_grown_since(client_request, db_session, signature):
    head = client_request.get("/ledger/head").get_data()
    sign_covenants(db_session, 1)
    page = text_of(upload(client_request, head))
    assert "A signed statement of the ledger" in page
    assert "Entries in the ledger then 3" in page
    assert "The ledger still holds that entry unchanged: it has only grown since this statement was signed." in page


def test_a_signed_ledger_head_shows_a_rewritten_ledger(client_request, db_session, signature):
    head = client_request.get("/ledger/head").get_data()
    remove_entry(db_session, 3)  # and another is signed in its place
    sign_covenants(db_session, 1)
    page = text_of(upload(client_request, head))
    assert "The ledger no longer holds entry 3 with that hash." in page


def test_people_who_are_not_signed_in_find_the_page_in_the_navigation(client_request):
    page = client_request.get("/").get_data(as_text=True)
    assert re.search(r'<a class="govuk-service-navigation__link" href="/verify"[^>]*>\s*Check a receipt', page)


def test_a_control_character_in_a_pasted_receipt_is_named_in_a_sentence(client_request, receipt):
    page = paste(client_request, receipt.decode() + "\x1b", expected_status=400)
    assert error_shown(page).startswith("The pasted receipt contains a character that cannot be stored")


def test_a_proof_of_inclusion_taken_for_the_receipt_is_told_apart(client_request, signature):
    proof = client_request.get(f"/ledger/entries/{signature.ledger_seq}/inclusion-proof.json").get_data()
    page = upload(client_request, proof, expected_status=400, filename="gm-first-inclusion-proof-GMF-000003.json")
    assert error_shown(page) == (
        "This is a proof of inclusion, not a receipt. Upload the record’s receipt (the other file its page "
        "offers), or enter the record’s receipt reference."
    )


UPLOAD_THE_RECEIPT = (
    "Upload the record’s receipt (“Download signed receipt” on its page), or enter the record’s receipt reference."
)


def test_the_portal_s_other_files_taken_for_the_receipt_are_each_named(
    app, client_request, signature, receipt, tmp_path
):
    assert run_ledger(app, "export", str(tmp_path / "ledger.jsonl")).exit_code == 0
    export = (tmp_path / "ledger.jsonl").read_bytes()
    covenant = client_request.get(f"/covenant/versions/{signature.covenant_version.number}.json").get_data()
    for content, message in [
        (
            client_request.get("/.well-known/gm-first-keys.json").get_data(),
            f"This is the portal’s list of public keys, not a receipt. {UPLOAD_THE_RECEIPT}",
        ),
        (
            client_request.get("/checkpoint").get_data(),
            f"This is a checkpoint of the portal’s ledger, not a receipt. {UPLOAD_THE_RECEIPT}",
        ),
        (
            export,
            (
                "This is a ledger export, not a receipt. Enter the reference of the entry to check (entry 12 is "
                "GMF-000012), or upload that record’s receipt."
            ),
        ),
        (
            covenant,
            (
                "This is not a receipt: a receipt holds a payload, its payloadType and signatures, and this file "
                f"has none of them (it may be the document a receipt covers). {UPLOAD_THE_RECEIPT}"
            ),
        ),
    ]:
        assert error_shown(upload(client_request, content, expected_status=400)) == message
    # Pretty-printed, or one line of the export, is still told apart.
    keys = json.dumps(json.loads(client_request.get("/.well-known/gm-first-keys.json").get_data()), indent=2)
    assert error_shown(paste(client_request, keys, expected_status=400)).startswith("This is the portal’s list")
    first_line = export.split(b"\n", 1)[0].decode()
    assert error_shown(paste(client_request, first_line, expected_status=400)).startswith("This is a ledger export")
    # A receipt with a field missing is still a damaged receipt, said as before.
    damaged = json.loads(receipt)
    del damaged["payloadType"]
    assert error_shown(paste(client_request, json.dumps(damaged), expected_status=400)) == (
        "The receipt has no payloadType."
    )


def test_the_page_says_where_the_keys_the_signed_head_and_the_checkpoint_are(client_request):
    page = client_request.get_page("signing.verify")
    links = {link["href"] for link in page.soup.select("main a.govuk-link")}
    assert {"/.well-known/gm-first-keys.json", "/ledger/head", "/checkpoint"} <= links
