"""C2SP signed notes (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and Ed25519
cosignatures (c2sp.org/tlog-cosignature v1): making, reading and checking them. Pure functions.

A note is UTF-8 text of newline-terminated lines, a blank line, then signature lines
`— <key name> base64(4-byte key ID || signature)`. An Ed25519 (type 0x01) key ID is
SHA-256(name || "\\n" || 0x01 || public key)[:4]; a cosignature (type 0x04) key's the same with 0x04,
and its signature is an 8-byte big-endian POSIX time then the Ed25519 signature of
"cosignature/v1\\ntime <time>\\n" followed by the note's text. A verifier key ("vkey") is
`<name>+<hex key ID>+base64(type || public key)`.
"""

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space
MAX_NOTE_BYTES = 64 * 1024
MAX_SIGNATURES = 100


class NoteError(ValueError):
    """Not a well-formed note, checkpoint or verifier key; the message says why."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise NoteError(f"{text[:40]!r} is not standard base64") from error


def check_name(name: str) -> str:
    if not name or any(character.isspace() for character in name) or "+" in name:
        raise NoteError("a key name must be non-empty, without spaces or '+'")
    return name


def key_id(name: str, key_type: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([key_type]) + public_key).digest()[:4]


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_type: int
    public_key: bytes  # the 32 raw bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.key_type, self.public_key)

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{b64(bytes([self.key_type]) + self.public_key)}"

    def ed25519(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.public_key)


def parse_verifier_key(text: str) -> VerifierKey:
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise NoteError("a verifier key is <name>+<key ID in hex>+<base64 key>")
    name, hex_id, encoded = parts
    raw = unb64(encoded)
    if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
        raise NoteError("only Ed25519 verifier keys (type 0x01) and cosignature keys (type 0x04) are known")
    key = VerifierKey(check_name(name), raw[0], raw[1:])
    if key.key_id.hex() != hex_id.lower():
        raise NoteError("the verifier key's key ID does not match its name and key")
    return key


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes  # after the key ID

    @property
    def line(self) -> str:
        return f"{SIGNATURE_PREFIX}{self.name} {b64(self.key_id + self.signature)}\n"


@dataclass(frozen=True)
class Note:
    text: str  # the signed text, ending in a newline
    signatures: tuple[NoteSignature, ...]

    def __str__(self) -> str:
        return self.text + "\n" + "".join(signature.line for signature in self.signatures)

    def with_signatures(self, extra) -> "Note":
        known = set(self.signatures)
        return Note(self.text, self.signatures + tuple(s for s in extra if s not in known))


def parse_note(raw: str | bytes) -> Note:
    if isinstance(raw, bytes):
        if len(raw) > MAX_NOTE_BYTES:
            raise NoteError("the note is larger than 64 KB")
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise NoteError("the note is not UTF-8 text") from error
    if "\r" in raw or any(ord(c) < 0x20 and c != "\n" for c in raw):
        raise NoteError("the note holds control characters (a note's lines end in a bare newline)")
    split = raw.rfind("\n\n")
    if split < 0 or not raw.endswith("\n"):
        raise NoteError("a note is its text, a blank line, then its signature lines, each ending in a newline")
    text, lines = raw[: split + 1], raw[split + 2 :].splitlines()
    if not lines and text.rfind("\n\n") >= 0 and text[text.rfind("\n\n") + 2 :].startswith(SIGNATURE_PREFIX):
        raise NoteError("the note ends in a blank line after its signature lines (its last line must be one)")
    if not lines or len(lines) > MAX_SIGNATURES:
        raise NoteError("the note has no signature lines (or far too many)")
    signatures = []
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX) or line.count(" ") != 2:
            raise NoteError(f"{line[:60]!r} is not a signature line (— <name> <base64>)")
        name, encoded = line[len(SIGNATURE_PREFIX) :].split(" ")
        raw_signature = unb64(encoded)
        if len(raw_signature) < 5:
            raise NoteError("a signature line is too short")
        signatures.append(NoteSignature(check_name(name), raw_signature[:4], raw_signature[4:]))
    return Note(text, tuple(signatures))


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> NoteSignature:
    public = private_key.public_key().public_bytes_raw()
    return NoteSignature(name, key_id(name, ED25519, public), private_key.sign(text.encode()))


def signed_by(note: Note, *keys: VerifierKey) -> bool:
    """Whether a signature line of the note is one of the keys' valid Ed25519 signature of its text,
    and none of theirs fails to verify: c2sp.org/signed-note has a client refuse the whole note if a
    signature from a known key does not verify (refused_by names that key). Lines by other keys are
    ignored, as the spec says."""
    checked = checked_lines(note, *(key for key in keys if key.key_type == ED25519))
    return bool(checked) and all(verifies for _key, verifies in checked)


def refused_by(note: Note, *keys: VerifierKey) -> VerifierKey | None:
    """The first of the keys (Ed25519 or cosignature) with a signature line in the note that does not
    verify, for which c2sp.org/signed-note has the whole note refused; None if there is none."""
    return next((key for key, verifies in checked_lines(note, *keys) if not verifies), None)


def checked_lines(note: Note, *keys: VerifierKey) -> list[tuple[VerifierKey, bool]]:
    """(its key, whether it verifies) for each signature line of the note by one of the keys (its name
    and key ID), an Ed25519 signature of the note's text or a cosignature; lines by other keys are
    left out, as c2sp.org/signed-note has a client ignore them."""
    return [
        (key, _line_verifies(note, key, signature))
        for signature in note.signatures
        for key in keys
        if (signature.name, signature.key_id) == (key.name, key.key_id) and key.key_type in (ED25519, COSIGNATURE_V1)
    ]


def _line_verifies(note: Note, key: VerifierKey, signature: NoteSignature) -> bool:
    if key.key_type == COSIGNATURE_V1:
        return _cosignature_time(note, key, signature) is not None
    return _verifies(key, signature.signature, note.text.encode())


def refusal(key: VerifierKey) -> str:
    """Why a note with a failing signature line by `key` is refused, as messages say it."""
    return f"a signature by {key.name} in it does not verify, so the whole note is refused (signed-note)"


def _verifies(key: VerifierKey, signature: bytes, message: bytes) -> bool:
    try:
        key.ed25519().verify(signature, message)
    except InvalidSignature:
        return False
    return True


def cosignature_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()


def cosign(text: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> NoteSignature:
    public = private_key.public_key().public_bytes_raw()
    signature = private_key.sign(cosignature_message(text, timestamp))
    return NoteSignature(name, key_id(name, COSIGNATURE_V1, public), struct.pack(">Q", timestamp) + signature)


def cosigned_at(note: Note, key: VerifierKey) -> tuple[int, NoteSignature] | None:
    """(its time, the signature) if a line of the note is the key's valid cosignature, and none of
    the key's lines fails to verify (c2sp.org/signed-note)."""
    found = None
    for signature in note.signatures:
        if (signature.name, signature.key_id) != (key.name, key.key_id) or key.key_type != COSIGNATURE_V1:
            continue
        timestamp = _cosignature_time(note, key, signature)
        if timestamp is None:
            return None
        found = found or (timestamp, signature)
    return found


def _cosignature_time(note: Note, key: VerifierKey, signature: NoteSignature) -> int | None:
    if len(signature.signature) != 72:
        return None
    (timestamp,) = struct.unpack(">Q", signature.signature[:8])
    return timestamp if _verifies(key, signature.signature[8:], cosignature_message(note.text, timestamp)) else None


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes

    @property
    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{b64(self.root_hash)}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text.split("\n")[:-1]
    if len(lines) < 3:
        raise NoteError("a checkpoint's text is its origin, tree size and root hash, one a line")
    origin, size, root = lines[:3]
    if not origin or not size.isdigit() or not size.isascii():
        raise NoteError("the checkpoint's origin is empty or its tree size is not a decimal number")
    if size != "0" and size.startswith("0"):
        raise NoteError(
            f"the checkpoint's tree size {size[:20]!r} has leading zeros, which the checkpoint format does not allow"
        )
    root_hash = unb64(root)
    if len(root_hash) != 32:
        raise NoteError("the checkpoint's root hash is not 32 bytes")
    return Checkpoint(origin, int(size), root_hash)
