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


def _portal_form(key, **changes) -> bytes:
    """A signed envelope as the portal writes it (RFC 8785 bytes), with `changes` made to its fields."""
    data = signed_envelope(key, b'{"_type":"x","subject":[{"name":"covenant-signature:1"}]}').to_dict()
    data.update(changes.pop("top", {}))
    data["signatures"][0].update(changes)
    return canonical_json(data)


def _quick_reader_cases(key) -> list[bytes]:
    own = _portal_form(key)
    sig = json.loads(own)["signatures"][0]["sig"]
    payload = json.loads(own)["payload"]
    return [
        own,
        _portal_form(key, keyid='a","sig":"' + sig),  # a separator inside an (escaped) keyid
        _portal_form(key, keyid="caf\u00e9 \\ key"),  # text that JSON escapes or keeps as UTF-8
        _portal_form(key, top={"payloadType": 'x","signatures":[{"keyid":"k'}),
        _portal_form(key, top={"payload": payload.rstrip("=")}),  # unpadded
        _portal_form(key, top={"payload": base64.urlsafe_b64encode(b"\xfb\xff" * 40).decode()}),
        _portal_form(key, sig=sig[:-2]),  # badly padded signature
        own.replace(sig.encode(), sig[:40].encode() + b'"' + sig[41:].encode()),  # a quote in a signature's place
        _portal_form(key, sig=sig.replace("+", "-").replace("/", "_")),  # URL-safe, of the usual length
        _portal_form(key, keyid="another key"),  # a form not read before
        _portal_form(key, top={"extra": "field"}),
        own.replace(b'"sig":"', b'"sig": "'),  # whitespace
        own.replace(b'"}]}', b'"},{"keyid":"k","sig":"' + sig.encode() + b'"}]}'),  # two signatures
        own.replace(b'"payload":"', b'"payload":"' + b"QUJD\\u0022"),  # an escape inside the base64
        own[:-1],  # truncated
        own + b" ",
    ]


def test_the_quick_reader_reads_envelopes_exactly_as_parse_does(key):
    """`ledger verify` reads the portal's own envelopes with dsse.plain_parts / parse_quickly: for any
    envelope they read, the result is parse()'s; every other envelope is left to parse()."""
    cases = _quick_reader_cases(key)
    assert dsse.plain_parts(cases[0]) is not None  # the portal's own form is read quickly
    # Twice: the second time, each envelope of a form read before is read without searching.
    for raw in cases + cases:
        try:
            expected = dsse.parse(raw)
        except dsse.EnvelopeError:
            expected = None
        parts = dsse.plain_parts(raw)
        if parts is not None:
            assert expected is not None, raw
            payload_type, payload, keyid, sig = parts
            assert dsse.Envelope(payload_type, payload, (dsse.Signature(keyid, sig),)) == expected, raw
        if expected is None:
            with pytest.raises(dsse.EnvelopeError):
                dsse.parse_quickly(raw)
        else:
            assert dsse.parse_quickly(raw) == expected, raw
