import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.dsse import Envelope as SslibEnvelope
from securesystemslib.signer import SSlibKey

from covenant_portal.signing import dsse
from covenant_portal.signing.canonical import FloatInSignedData, canonical_json
from covenant_portal.signing.keys import keyid_of, raw_public_bytes


@pytest.fixture
def key():
    private = Ed25519PrivateKey.generate()
    return private, keyid_of(private.public_key())


def signed_envelope(key, payload=b'{"hello":"world"}'):
    private, keyid = key
    return dsse.sign(payload, dsse.IN_TOTO_PAYLOAD_TYPE, private, keyid)


def test_pae_matches_the_dsse_specification_example():
    assert dsse.pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_envelope_verifies_with_securesystemslib(key):
    private, keyid = key
    envelope = signed_envelope(key)
    sslib_key = SSlibKey.from_dict(
        keyid,
        {"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": raw_public_bytes(private.public_key()).hex()}},
    )
    accepted = SslibEnvelope.from_dict(envelope.to_dict()).verify([sslib_key], 1)
    assert list(accepted) == [keyid]


def test_url_safe_base64_is_accepted_and_keyid_is_only_a_hint(key):
    private, keyid = key
    data = signed_envelope(key).to_dict()
    data["payload"] = base64.urlsafe_b64encode(base64.b64decode(data["payload"])).decode().rstrip("=")
    data["signatures"][0]["keyid"] = "not-the-key"
    parsed = dsse.parse(json.dumps(data))
    assert dsse.verify(parsed, {keyid: private.public_key()}) == keyid


def test_a_changed_payload_does_not_verify(key):
    private, keyid = key
    data = signed_envelope(key).to_dict()
    data["payload"] = base64.b64encode(b'{"hello":"World"}').decode()
    assert dsse.verify(dsse.parse(json.dumps(data)), {keyid: private.public_key()}) is None


def test_a_signature_from_another_key_does_not_verify(key):
    other = Ed25519PrivateKey.generate()
    envelope = signed_envelope((other, key[1]))
    assert dsse.verify(envelope, {key[1]: key[0].public_key()}) is None


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "not valid JSON"),
        ('{"payload": ', "not valid JSON"),
        ("[]", "must be a JSON object"),
        (
            '{"payloadType": "x", "payload": "%%%", "signatures": [{"sig": "AA=="}]}',
            "payload is missing or not valid base64",
        ),
        ('{"payloadType": "x", "payload": "AA==", "signatures": []}', "no signatures"),
        ('{"payloadType": "x", "payload": "AA==", "signatures": [{"sig": 5}]}', "not valid base64"),
        (b"\xff\xfe", "not valid JSON"),
        ("x" * (dsse.MAX_ENVELOPE_BYTES + 1), "larger than 1 MB"),
    ],
)
def test_malformed_receipts_get_clear_messages(raw, message):
    with pytest.raises(dsse.EnvelopeError, match=message):
        dsse.parse(raw)


def test_canonical_json_follows_rfc_8785_and_refuses_floats():
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()
    with pytest.raises(FloatInSignedData, match=r"\$.places\[0\]"):
        canonical_json({"places": [1.5]})
