#!/usr/bin/env python3
"""A witness of the GM First Covenant Portal's ledger: run it daily (from cron) to hold the portal to
its history.

    python witness.py keygen --name witness.example.org/bolton --key witness-key.pem
    python witness.py run --portal https://covenant.example.org --log-key 'covenant.example.org+…+…' \\
        --key witness-key.pem --name witness.example.org/bolton --state witness-state.txt

`run` fetches <portal>/checkpoint (c2sp.org/tlog-checkpoint), checks the portal's Ed25519 signature
with --log-key (the "vkey" at /.well-known/gm-first-keys.json), and checks with a consistency proof
built from the portal's tiles (c2sp.org/tlog-tiles, RFC 6962 hashing) that the log only grew since
the checkpoint it kept in --state. Only then does it keep the new checkpoint (replacing the file in
one step) and cosign it (c2sp.org/tlog-cosignature, Ed25519) with its own key, posting the cosigned
checkpoint to <portal>/checkpoint/cosignatures, where an admin has registered the key `keygen`
printed. A log cut short or rewritten is refused: nothing is kept or cosigned, it exits 1 saying why. A
mistake in the witness's own setup (--log-key, --key or --state not what they should be), or the
portal out of reach, exits 2, before anything is kept.

Needs only Python 3.11+ and `cryptography`; no portal code. docs/signing.md describes the formats.
"""

import argparse
import base64
import hashlib
import os
import struct
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

DASH = "\u2014 "


class Refused(Exception):
    """What the portal served is not a checkpoint of a log that only grew: exit 1."""


class Misconfigured(Exception):
    """The witness's own setup is wrong (its keys or its state file): exit 2, the log not judged."""


# Signed notes (c2sp.org/signed-note) and checkpoints


def key_id(name: str, key_type: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([key_type]) + public).digest()[:4]


def parse_vkey(vkey: str) -> tuple[str, bytes, bytes]:
    """(name, key ID, 32-byte Ed25519 public key) of a log's verifier key <name>+<hex id>+<base64>."""
    name, hex_id, encoded = ([*vkey.strip().split("+", 2), "", ""])[:3]
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError:  # not base64 (binascii.Error is a ValueError)
        raw = b""
    if len(raw) != 33 or raw[0] != 0x01 or key_id(name, 0x01, raw[1:]).hex() != hex_id:
        raise Misconfigured("--log-key is not an Ed25519 verifier key (name+keyid+base64 of 0x01 and the key)")
    return name, bytes.fromhex(hex_id), raw[1:]


def split_note(text: str) -> tuple[str, list[str]]:
    """(the signed text, its signature lines)."""
    at = text.rfind("\n\n")
    if at < 0 or not text.endswith("\n"):
        raise Refused("the checkpoint is not a signed note")
    return text[: at + 1], text[at + 2 :].splitlines()


def verified_checkpoint(text: str, vkey: str) -> tuple[str, int, bytes, str]:
    """(origin, size, root hash, the log's signature line) once the log's signature is checked."""
    name, wanted_id, public = parse_vkey(vkey)
    body, lines = split_note(text)
    origin, size, root = (body.split("\n")[:-1] + ["", "", ""])[:3]
    if origin != name:
        raise Refused(f"the checkpoint's origin is {origin!r}, not the log's {name!r}")
    for line in lines:
        if not line.startswith(DASH + name + " "):
            continue  # another signer's line (a cosignature): not ours to check
        signature = base64.b64decode(line.split(" ")[2])
        if signature[:4] != wanted_id:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(signature[4:], body.encode())
        except InvalidSignature:
            continue
        if not size.isdigit():
            raise Refused("the checkpoint's tree size is not a number")
        return origin, int(size), base64.b64decode(root, validate=True), line
    raise Refused("the checkpoint is not signed by the log's key")


# RFC 6962 hashing, and a consistency proof from the tiles


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def subtree_nodes(start: int, end: int) -> list[tuple[int, int]]:
    nodes, at, width = [], start, end - start
    for level in range(width.bit_length() - 1, -1, -1):
        if width >> level & 1:
            nodes.append((level, at >> level))
            at += 1 << level
    return nodes


def fold(hashes: list[bytes]) -> bytes:
    root = hashes[-1]
    for left in reversed(hashes[:-1]):
        root = node(left, root)
    return root


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """RFC 9162 2.1.4.1 SUBPROOF(old, D[0:new], true), as leaf ranges."""
    path, start, end, m, complete = [], 0, new, old, True
    while m != end - start:
        k = 1 << ((end - start - 1).bit_length() - 1)
        if m <= k:
            path.append((start + k, end))
            end = start + k
        else:
            path.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        path.append((start, end))
    return list(reversed(path))


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 2.1.4.2."""
    path = ([old_root] if old & (old - 1) == 0 else []) + proof
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first = second = path[0]
    for sibling in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            first, second = node(sibling, first), node(sibling, second)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            second = node(second, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and first == old_root and second == new_root


class Tiles:
    """The portal's tree of `size` leaves, read from its tiles (fetched once each)."""

    def __init__(self, portal: str, size: int):
        self.portal, self.size, self.fetched = portal, size, {}

    def tile(self, level: int, index: int) -> list[bytes]:
        nodes_at_level = self.size >> (8 * level)
        width = min(256, nodes_at_level - index * 256)
        key = (level, index, width)
        if key not in self.fetched:
            digits = f"{index:03d}"
            digits = "0" * (-len(digits) % 3) + digits
            groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
            path = "/".join(["x" + group for group in groups[:-1]] + [groups[-1]])
            url = f"{self.portal}/tile/{level}/{path}" + ("" if width == 256 else f".p/{width}")
            data = fetch(url)
            if len(data) != 32 * width:
                raise Refused(f"{url} is not {width} hashes")
            self.fetched[key] = [data[i : i + 32] for i in range(0, len(data), 32)]
        return self.fetched[key]

    def node(self, level: int, index: int) -> bytes:
        """Node (level, index): a hash of tile level level // 8, folded from 2**(level % 8) of them."""
        tile_level, height = divmod(level, 8)
        first = index << height
        hashes = self.tile(tile_level, first // 256)[first % 256 : first % 256 + (1 << height)]
        while len(hashes) > 1:
            hashes = [node(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        return hashes[0]

    def range_hash(self, start: int, end: int) -> bytes:
        return fold([self.node(level, index) for level, index in subtree_nodes(start, end)])


# The witness


def fetch(url: str, data: bytes | None = None) -> bytes:
    request = urllib.request.Request(
        url,
        data=data,
        method="POST" if data is not None else "GET",
        headers={"Content-Type": "text/plain; charset=utf-8", "User-Agent": "gm-first-witness/1"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def check_growth(portal: str, kept: tuple | None, new: tuple) -> None:
    """Refused unless the log of `new` (origin, size, root) extends the one `kept` said."""
    if kept is None:
        return
    _origin, old_size, old_root, _line = kept
    _origin, size, root, _line = new
    if size < old_size:
        raise Refused(
            f"the log was cut short: its checkpoint has {size} entries, but it had {old_size} "
            "when this witness last checked"
        )
    if size == old_size:
        if root != old_root:
            raise Refused(f"the log was rewritten: two checkpoints of {size} entries with different roots")
        return
    if old_size == 0:
        return
    tiles = Tiles(portal, size)
    proof = [tiles.range_hash(start, end) for start, end in consistency_ranges(old_size, size)]
    if not verify_consistency(old_size, size, old_root, root, proof):
        raise Refused(
            f"the log was rewritten: its tree of {size} entries does not extend the tree of "
            f"{old_size} this witness kept"
        )


def cosignature_line(body: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> str:
    public = private_key.public_key().public_bytes_raw()
    message = f"cosignature/v1\ntime {timestamp}\n".encode() + body.encode()
    signature = struct.pack(">Q", timestamp) + private_key.sign(message)
    return f"{DASH}{name} {base64.b64encode(key_id(name, 0x04, public) + signature).decode()}\n"


def keep(state: Path, text: str) -> None:
    """Replaces the kept checkpoint in one step (a crash leaves the old one or the new one)."""
    handle, temporary = tempfile.mkstemp(dir=state.parent, prefix=state.name + ".")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, state)


def run(arguments) -> str:
    # The witness's own setup first (the log's key, its own key, the checkpoint it kept): a mistake
    # there is a mistake in running it (exit 2), found before anything is fetched, kept or posted.
    parse_vkey(arguments.log_key)
    private_key = own_key(arguments.key)
    state = Path(arguments.state)
    kept = kept_checkpoint(state, arguments.log_key)
    portal = arguments.portal.rstrip("/")
    text = fetch(f"{portal}/checkpoint").decode("utf-8")
    new = verified_checkpoint(text, arguments.log_key)
    check_growth(portal, kept, new)
    body, _lines = split_note(text)
    own = body + "\n" + new[3] + "\n"  # the checkpoint with the log's signature only
    keep(state, own)
    cosigned = own + cosignature_line(body, arguments.name, private_key, int(time.time()))
    answer = fetch(f"{portal}/checkpoint/cosignatures", cosigned.encode()).decode().strip()
    return f"Cosigned the checkpoint of {new[1]} entries: {answer}"


def own_key(path: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise Misconfigured(f"--key {path} is not the witness's private key (PEM): {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise Misconfigured(f"--key {path} is not an Ed25519 key")
    return key


def kept_checkpoint(state: Path, vkey: str):
    """The checkpoint this witness kept last, or None on its first run."""
    if not state.exists():
        return None
    try:
        return verified_checkpoint(state.read_text(encoding="utf-8"), vkey)
    except (Refused, ValueError) as error:  # the witness's own file: not the log's doing
        raise Misconfigured(
            f"--state {state} does not hold a checkpoint signed by the log's key ({error}); "
            "restore it from a backup, or remove it to start again from the latest checkpoint"
        ) from error


def keygen(arguments) -> str:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor = os.open(arguments.key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    public = key.public_key().public_bytes_raw()
    raw = base64.b64encode(b"\x04" + public).decode()
    return f"{arguments.name}+{key_id(arguments.name, 0x04, public).hex()}+{raw}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("keygen", help="make the witness's key; prints its verifier key to register")
    make.add_argument("--name", required=True, help="the witness's name, e.g. witness.example.org/bolton")
    make.add_argument("--key", required=True, help="where to write the private key (PEM, mode 0600)")
    check = commands.add_parser("run", help="check the latest checkpoint, keep it and cosign it")
    check.add_argument("--portal", required=True, help="the portal's address, e.g. https://covenant.example.org")
    check.add_argument("--log-key", required=True, help="the portal's checkpoint verifier key (vkey)")
    check.add_argument("--key", required=True, help="the witness's private key (PEM)")
    check.add_argument("--name", required=True, help="the witness's name, as in its registered key")
    check.add_argument("--state", required=True, help="the file that keeps the last checkpoint checked")
    arguments = parser.parse_args(argv)
    try:
        print(keygen(arguments) if arguments.command == "keygen" else run(arguments))
    except Misconfigured as mistake:
        print(f"ERROR: {mistake}. Nothing was fetched, kept or cosigned.", file=sys.stderr)
        return 2
    except Refused as refused:
        print(f"REFUSED: {refused}. Nothing was kept or cosigned.", file=sys.stderr)
        return 1
    except urllib.error.HTTPError as error:
        print(f"The portal answered {error.code}: {error.read().decode(errors='replace').strip()}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
