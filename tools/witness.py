#!/usr/bin/env python3
"""A witness of the GM First Covenant Portal's ledger: run it daily (from cron) to hold the portal to
its history.

    python witness.py keygen --name witness.example.org/bolton --key witness-key.pem
    python witness.py run --portal https://covenant.example.org --log-key 'covenant.example.org+…+…' \\
        --key witness-key.pem --name witness.example.org/bolton --state witness-state.txt

`run` fetches <portal>/checkpoint (c2sp.org/tlog-checkpoint), checks the portal's Ed25519 signature
with --log-key (the "vkey" at /.well-known/gm-first-keys.json; after the portal rotates its key, give
the old and the new, one per line or one per --log-key, since the kept checkpoint was signed by the
old), and checks with a consistency proof
built from the portal's tiles (c2sp.org/tlog-tiles, RFC 6962 hashing) that the log only grew since
the checkpoint it kept in --state. Only then does it keep the new checkpoint (replacing the file in
one step) and cosign it (c2sp.org/tlog-cosignature, Ed25519) with its own key, posting the cosigned
checkpoint to <portal>/checkpoint/cosignatures, where an admin has registered the key `keygen`
printed. A log cut short or rewritten is refused: nothing is kept or cosigned, it exits 1 saying why. A
mistake in the witness's own setup (--portal, --log-key, --key or --state not what they should be),
the portal out of reach, or the portal refusing the cosignature, exits 2 with "ERROR: ...". Each line
`run` prints starts with the time (UTC), for the log cron keeps.

Needs only Python 3.11+ and `cryptography` (Debian 12's python3-cryptography, 38, or newer); no
portal code. docs/signing.md describes the formats.
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
import urllib.parse
import urllib.request
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

DASH = "\u2014 "


class Refused(Exception):
    """What the portal served is not a checkpoint of a log that only grew: exit 1. `reason` is the
    message without `hint` (advice for a checkpoint just served, not for the one the witness kept)."""

    def __init__(self, reason: str, hint: str = ""):
        super().__init__(f"{reason} ({hint})" if hint else reason)
        self.reason = reason


class Misconfigured(Exception):
    """The witness's own setup is wrong (its keys, its state file, the portal's address): exit 2, the
    log not judged. `after` says what had been done by then."""

    def __init__(self, message: str, after: str = "Nothing was fetched, kept or cosigned"):
        super().__init__(message)
        self.after = after


NOT_KEPT = "Nothing was kept or cosigned"
UNSIGNED = "the checkpoint is not signed by the log's key"


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


def parse_vkeys(values: list[str]) -> list[tuple[str, bytes, bytes]]:
    """Every verifier key given (each --log-key may hold several, one per line)."""
    keys = [parse_vkey(line) for value in values for line in value.splitlines() if line.strip()]
    if not keys:
        raise Misconfigured("--log-key is empty: give the log's verifier key (vkey)")
    if len({name for name, _id, _public in keys}) > 1:
        raise Misconfigured("the --log-key keys name different logs: give only this log's keys")
    return keys


def split_note(text: str) -> tuple[str, list[str]]:
    """(the signed text, its signature lines)."""
    at = text.rfind("\n\n")
    if at < 0 or not text.endswith("\n"):
        raise Refused("the checkpoint is not a signed note")
    return text[: at + 1], text[at + 2 :].splitlines()


def verified_checkpoint(text: str, vkeys: list[tuple[str, bytes, bytes]]) -> tuple[str, int, bytes, str]:
    """(origin, size, root hash, the log's signature line) once the log's signature is checked (by any
    of its keys)."""
    name = vkeys[0][0]
    body, lines = split_note(text)
    origin, size, root = (body.split("\n")[:-1] + ["", "", ""])[:3]
    if origin != name:
        raise Refused(f"the checkpoint's origin is {origin!r}, not the log's {name!r}")
    found = None
    for line in lines:
        if not line.startswith(DASH + name + " "):
            continue  # another signer's line (a cosignature): not ours to check
        signature = base64.b64decode(line.split(" ")[2])
        for _name, wanted_id, public in vkeys:
            if signature[:4] != wanted_id:
                continue
            try:  # c2sp.org/signed-note: a known key's signature that fails refuses the whole note
                Ed25519PublicKey.from_public_bytes(public).verify(signature[4:], body.encode())
            except InvalidSignature:
                raise Refused(
                    f"a signature by {name} in it does not verify, so the whole note is refused (signed-note)"
                ) from None
            found = found or line
    if found is None:
        raise Refused(
            UNSIGNED, "if the portal's operators say they rotated it, add its new vkey to --log-key, keeping the old"
        )
    if not size.isdigit():
        raise Refused("the checkpoint's tree size is not a number")
    return origin, int(size), base64.b64decode(root, validate=True), found


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


class PortalAnswered(Exception):
    """The portal answered with an error status: exit 2."""

    def __init__(self, url: str, status: int, text: str):
        super().__init__(f"the portal answered {status} to {url}{': ' + text if text else ''}")
        self.status = status


def fetch(url: str, data: bytes | None = None) -> bytes:
    request = urllib.request.Request(
        url,
        data=data,
        method="POST" if data is not None else "GET",
        headers={"Content-Type": "text/plain; charset=utf-8", "User-Agent": "gm-first-witness/1"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        raise PortalAnswered(url, error.code, _short(error)) from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise Misconfigured(f"cannot reach the portal at {url} ({reason})", "Nothing was kept or cosigned") from error


def _short(error: urllib.error.HTTPError) -> str:
    """The portal's own words for an error, if it sent plain text; a page of HTML is not repeated (it
    would fill the log): only a hint that the address may be wrong."""
    body = error.read(2000).decode("utf-8", errors="replace").strip()
    if "html" in (error.headers.get("Content-Type") or "") or body.lstrip().startswith("<"):
        return "a web page, not the portal's answer (is --portal the portal's address?)"
    return " ".join(body.split())[:300]


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


def raw_public(private_key: Ed25519PrivateKey) -> bytes:
    # public_bytes(Raw, Raw), not public_bytes_raw(): that arrived in cryptography 40, and Debian 12
    # has 38.
    return private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def cosignature_line(body: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> str:
    public = raw_public(private_key)
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
    # The witness's own setup first (the portal's address, the log's keys, its own key, the
    # checkpoint it kept): a mistake there is a mistake in running it (exit 2), found before anything
    # is fetched, kept or posted.
    portal = portal_address(arguments.portal)
    key_name(arguments.name)
    vkeys = parse_vkeys(arguments.log_key)
    private_key = own_key(arguments.key)
    state = Path(arguments.state)
    kept = kept_checkpoint(state, vkeys)
    text = served_checkpoint(portal, vkeys[0][0])
    new = verified_checkpoint(text, vkeys)
    check_growth(portal, kept, new)
    body, _lines = split_note(text)
    own = body + "\n" + new[3] + "\n"  # the checkpoint with the log's signature only
    keep(state, own)
    cosigned = own + cosignature_line(body, arguments.name, private_key, int(time.time()))
    try:
        answer = fetch(f"{portal}/checkpoint/cosignatures", cosigned.encode()).decode().strip()
    except PortalAnswered as refused:
        hint = (
            " Is this witness's key, with the --name it was made with, the one an admin registered at /admin/witnesses?"
            if refused.status == 403
            else ""
        )
        raise Misconfigured(
            sentence(str(refused)) + hint, f"The checkpoint of {new[1]} entries was checked and kept, not cosigned"
        ) from refused
    return f"Cosigned the checkpoint of {new[1]} entries: {answer}"


def portal_address(text: str) -> str:
    address = urllib.parse.urlsplit(text.strip())
    if address.scheme not in ("http", "https") or not address.netloc or address.query or address.fragment:
        raise Misconfigured(f"--portal {text!r} is not the portal's address (e.g. https://covenant.example.org)")
    return text.strip().rstrip("/")


def served_checkpoint(portal: str, origin: str) -> str:
    """<portal>/checkpoint, once it is seen to be this log's checkpoint at all: anything else (a web
    page, another log's checkpoint) means --portal or --log-key is wrong, not that the log misbehaved."""
    url = f"{portal}/checkpoint"
    try:
        text = fetch(url).decode("utf-8")
        split_note(text)
    except (Refused, UnicodeDecodeError) as error:
        raise Misconfigured(f"{url} is not a checkpoint: is --portal the portal's address?", NOT_KEPT) from error
    served_origin = text.split("\n", 1)[0]
    if served_origin != origin:
        raise Misconfigured(
            f"{url} is the checkpoint of the log {served_origin!r}, not of {origin!r} that --log-key names: "
            "is --portal or --log-key wrong?",
            NOT_KEPT,
        )
    return text


def own_key(path: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise Misconfigured(f"--key {path} is not the witness's private key (PEM): {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise Misconfigured(f"--key {path} is not an Ed25519 key")
    return key


def kept_checkpoint(state: Path, vkeys: list):
    """The checkpoint this witness kept last, or None on its first run."""
    if not state.exists():
        return None
    try:
        return verified_checkpoint(state.read_text(encoding="utf-8"), vkeys)
    except (Refused, ValueError, OSError) as error:  # the witness's own file: not the log's doing
        # The reason alone: a served checkpoint's advice (add the new vkey) is the wrong way round here.
        reason = error.reason if isinstance(error, Refused) else str(error)
        why = "" if reason == UNSIGNED else f" ({reason})"
        raise Misconfigured(
            f"--state {state} does not hold a checkpoint signed by the log's key{why}; if the portal's "
            "key was rotated since, give the old vkey too; otherwise restore the file from a backup, or "
            "remove it to start again from the latest checkpoint"
        ) from error


def key_name(name: str, after: str = "Nothing was fetched, kept or cosigned") -> str:
    """--name, once it is a signed note's key name (c2sp.org/signed-note: no spaces, no '+')."""
    if not name or any(character.isspace() for character in name) or "+" in name:
        raise Misconfigured(
            f"--name {name!r} is not a key name: it must be non-empty, without spaces or '+' "
            "(e.g. witness.example.org/bolton)",
            after,
        )
    return name


def keygen(arguments) -> str:
    key_name(arguments.name, "No key was written")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = raw_public(key)
    encoded = base64.b64encode(bytes([0x04]) + public).decode()
    vkey = f"{arguments.name}+{key_id(arguments.name, 0x04, public).hex()}+{encoded}"
    try:
        descriptor = os.open(arguments.key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise Misconfigured(
            f"--key {arguments.key} exists already: keygen never overwrites a key", "No key was written"
        ) from error
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return vkey


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("keygen", help="make the witness's key; prints its verifier key to register")
    make.add_argument("--name", required=True, help="the witness's name, e.g. witness.example.org/bolton")
    make.add_argument("--key", required=True, help="where to write the private key (PEM, mode 0600)")
    check = commands.add_parser("run", help="check the latest checkpoint, keep it and cosign it")
    check.add_argument("--portal", required=True, help="the portal's address, e.g. https://covenant.example.org")
    check.add_argument(
        "--log-key",
        required=True,
        action="append",
        help="the portal's checkpoint verifier key (vkey); after a key rotation the old and the new "
        "(one per line, or --log-key again)",
    )
    check.add_argument("--key", required=True, help="the witness's private key (PEM)")
    check.add_argument("--name", required=True, help="the witness's name, as in its registered key")
    check.add_argument("--state", required=True, help="the file that keeps the last checkpoint checked")
    arguments = parser.parse_args(argv)
    if arguments.command == "keygen":
        return _reported(lambda: keygen(arguments), lambda line: line)
    return _reported(
        lambda: run(arguments), lambda line: f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {line}"
    )


def sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _reported(command, line) -> int:
    """Runs the command, printing what it did or why it stopped (`line` dates each line); the exit code."""
    try:
        print(line(command()))
    except Misconfigured as mistake:
        print(line(f"ERROR: {sentence(str(mistake))} {mistake.after}."), file=sys.stderr)
        return 2
    except Refused as refused:
        print(
            line(
                f"REFUSED: {refused}. {NOT_KEPT}: tell the portal's operators, and keep the state file "
                "as it is (it is the evidence)."
            ),
            file=sys.stderr,
        )
        return 1
    except PortalAnswered as answered:
        print(line(f"ERROR: {sentence(str(answered))} {NOT_KEPT}."), file=sys.stderr)
        return 2
    except (OSError, ValueError) as error:
        print(line(f"ERROR: {error}"), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
