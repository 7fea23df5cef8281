"""DSSE (Dead Simple Signing Envelope) v1 with Ed25519: sign, parse and verify.

Verification always checks the signature over the payload bytes exactly as received (decoded from
base64, never re-serialised); `keyid` is only a hint for which key to try first.
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass

import pybase64
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from covenant_portal.signing.canonical import PLAIN_JSON_TEXT

IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"
MAX_ENVELOPE_BYTES = 1024 * 1024


class EnvelopeError(ValueError):
    """The input is not a well-formed DSSE envelope; the message says why, for people."""


def pae(payload_type: str, payload: bytes) -> bytes:
    """The DSSE pre-authentication encoding that is actually signed."""
    type_bytes = payload_type.encode()
    return b"DSSEv1 %d %b %d %b" % (len(type_bytes), type_bytes, len(payload), payload)


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode_either(text: object) -> bytes:
    """Standard or URL-safe base64, padded or not, as the DSSE specification requires."""
    if not isinstance(text, str):
        raise EnvelopeError("expected base64 text")
    text = text.strip()
    normalised = text.replace("-", "+").replace("_", "/")
    normalised += "=" * (-len(normalised) % 4)
    try:
        return base64.b64decode(normalised, validate=True)
    except (binascii.Error, ValueError) as error:
        raise EnvelopeError("is not valid base64") from error


@dataclass(frozen=True)
class Signature:
    keyid: str
    sig: bytes


@dataclass(frozen=True)
class Envelope:
    payload_type: str
    payload: bytes
    signatures: tuple[Signature, ...]

    def to_dict(self) -> dict:
        return {
            "payload": b64encode(self.payload),
            "payloadType": self.payload_type,
            "signatures": [{"keyid": s.keyid, "sig": b64encode(s.sig)} for s in self.signatures],
        }


def sign(payload: bytes, payload_type: str, private_key: Ed25519PrivateKey, keyid: str) -> Envelope:
    signature = private_key.sign(pae(payload_type, payload))
    return Envelope(payload_type, payload, (Signature(keyid, signature),))


def parse(raw: bytes | str) -> Envelope:
    """An Envelope from JSON text, or EnvelopeError saying what is wrong with it."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="replace")
    if len(raw) > MAX_ENVELOPE_BYTES:
        raise EnvelopeError("The receipt is larger than 1 MB, so it cannot be a portal receipt.")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:
        # ValueError: also a UnicodeDecodeError, and an integer of more than 4,300 digits, which
        # Python refuses to read; RecursionError: arrays or objects nested thousands deep. No receipt
        # is either.
        raise EnvelopeError("The receipt is not valid JSON. It may be truncated or damaged.") from error
    return _envelope_from_dict(data)


# An envelope with one signature, in the RFC 8785 form the portal writes (keys sorted, no spaces),
# whose strings need no JSON escapes: json.loads would give exactly these strings, and parse() the
# same Envelope. Anything else is left to parse().
_HEAD, _TYPE, _KEYID, _SIG, _TAIL = (
    b'{"payload":"',
    b'","payloadType":"',
    b'","signatures":[{"keyid":"',
    b'","sig":"',
    b'"}]}',
)
_PLAIN = re.compile(PLAIN_JSON_TEXT.encode()).fullmatch


def parse_quickly(raw: bytes) -> Envelope:
    """parse(raw), faster for the envelopes the portal writes (`ledger verify` reads every one)."""
    parts = plain_parts(raw)
    if parts is None:
        return parse(raw)
    payload_type, payload, keyid, signature = parts
    return Envelope(payload_type, payload, (Signature(keyid, signature),))


def plain_parts(raw: bytes) -> tuple[str, bytes, str, bytes] | None:
    """(payloadType, payload, keyid, sig) of an envelope in the portal's own form, as parse() would
    read them; None for any other envelope, which only parse() decides."""
    if len(raw) > MAX_ENVELOPE_BYTES or not raw.startswith(_HEAD) or not raw.endswith(_TAIL):
        return None
    sig_at = len(raw) - len(_TAIL) - _SIG_TEXT
    for middle, (payload_type, keyid) in _middles.items():
        if raw.endswith(middle, len(_HEAD), sig_at):
            return _decoded(raw, sig_at - len(middle), sig_at, payload_type, keyid)
    return _searched_parts(raw)


def _searched_parts(raw: bytes) -> tuple[str, bytes, str, bytes] | None:
    # Searched for from the end, where the short fields are (the payload is most of the envelope).
    # Each part is then checked to hold no quote, so each separator occurs once: the same places as
    # searching from the start would find, whenever the envelope is read here at all.
    sig_at = raw.rfind(_SIG, len(_HEAD))
    keyid_at = raw.rfind(_KEYID, len(_HEAD), sig_at)
    type_at = raw.rfind(_TYPE, len(_HEAD), keyid_at)
    if min(type_at, keyid_at, sig_at) < 0:
        return None
    payload_type = _plain_text(raw[type_at + len(_TYPE) : keyid_at])
    keyid = _plain_text(raw[keyid_at + len(_KEYID) : sig_at])
    if payload_type is None or keyid is None:
        return None
    parts = _decoded(raw, type_at, sig_at + len(_SIG), payload_type, keyid)
    if parts is not None and len(raw) - len(_TAIL) - (sig_at + len(_SIG)) == _SIG_TEXT and len(_middles) < 16:
        _middles[raw[type_at : sig_at + len(_SIG)]] = (payload_type, keyid)
    return parts


def _decoded(raw: bytes, type_at: int, sig_at: int, payload_type: str, keyid: str):
    """The parts, once the payload (before type_at) and the signature (from sig_at) are decoded."""
    try:
        # Strict: only the alphabet, correctly padded (so no quote hides in them either).
        payload = pybase64.b64decode(raw[len(_HEAD) : type_at], validate=True)
        signature = pybase64.b64decode(raw[sig_at : -len(_TAIL)], validate=True)
    except binascii.Error:
        return None
    return payload_type, payload, keyid, signature


# What comes between the payload and the signature, from '","payloadType":"' to '","sig":"', for the
# few payloadTypes and keyids the ledger holds, each learnt from an envelope read by searching: an
# envelope that ends with one of them and a signature of the usual length (an Ed25519 signature,
# 64 bytes, is 88 characters of padded base64) is read without searching. The parts are the same:
# the signature holds no quote, so that '","sig":"' is the last in the envelope, and so on.
_SIG_TEXT = 88
_middles: dict[bytes, tuple[str, str]] = {}


# The few payloadTypes and keyids the ledger holds, each read once (the ledger repeats them all).
_plain_texts: dict[bytes, str | None] = {}


def _plain_text(raw: bytes) -> str | None:
    """A JSON string's raw bytes as the string, if they need no unescaping; else None."""
    if raw in _plain_texts:
        return _plain_texts[raw]
    text = raw.decode() if _PLAIN(raw) else None
    if len(_plain_texts) < 64:
        _plain_texts[raw] = text
    return text


def _envelope_from_dict(data) -> Envelope:
    if not isinstance(data, dict):
        raise EnvelopeError("The receipt must be a JSON object with payload, payloadType and signatures.")
    payload_type = data.get("payloadType")
    if not isinstance(payload_type, str):
        raise EnvelopeError("The receipt has no payloadType.")
    try:
        payload = b64decode_either(data.get("payload"))
    except EnvelopeError as error:
        raise EnvelopeError("The receipt’s payload is missing or not valid base64.") from error
    signatures = data.get("signatures")
    if not isinstance(signatures, list) or not signatures:
        raise EnvelopeError("The receipt has no signatures.")
    return Envelope(payload_type, payload, tuple(_signature_from_dict(s) for s in signatures))


def _signature_from_dict(data) -> Signature:
    if not isinstance(data, dict):
        raise EnvelopeError("A signature in the receipt is not a JSON object.")
    keyid = data.get("keyid", "")
    try:
        sig = b64decode_either(data.get("sig"))
    except EnvelopeError as error:
        raise EnvelopeError("A signature in the receipt is missing or not valid base64.") from error
    return Signature(keyid if isinstance(keyid, str) else "", sig)


def verify(envelope: Envelope, public_keys: dict[str, Ed25519PublicKey]) -> str | None:
    """The id of a published key whose signature over the envelope verifies, or None."""
    message = pae(envelope.payload_type, envelope.payload)
    for signature in envelope.signatures:
        for keyid, public_key in _hinted_key_first(public_keys, signature.keyid):
            try:
                public_key.verify(signature.sig, message)
            except InvalidSignature:
                continue
            return keyid
    return None


def _hinted_key_first(public_keys: dict[str, Ed25519PublicKey], hint: str):
    if hint in public_keys:
        yield hint, public_keys[hint]
    yield from ((keyid, key) for keyid, key in public_keys.items() if keyid != hint)
