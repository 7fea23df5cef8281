#!/usr/bin/env python3
"""Check a GM First Covenant Portal ledger export offline, without the portal or its database.

    python verify_export.py ledger.jsonl gm-first-keys.json [--head ledger-head.json]
        [--checkpoint checkpoint.txt ...] [--proof gm-first-inclusion-proof-GMF-000001.json ...]

ledger.jsonl is the output of `flask --app covenant_portal ledger export`; gm-first-keys.json a copy
of the portal's /.well-known/gm-first-keys.json; ledger-head.json (optional) a signed ledger head
saved earlier from /ledger/head, to show the export still holds everything that head covered.

It also recomputes the ledger's RFC 6962 Merkle tree from the export (the leaf of entry N, at index
N - 1, is its receipt: the RFC 8785 bytes of its envelope). Each --checkpoint (a C2SP checkpoint
saved from /checkpoint) must be signed by a published key and have the root of the export's first
entries; each --proof (a proof of inclusion from a record's page) must lead from its entry's receipt
to the root of its checkpoint, itself checked so.

Needs only Python 3.11+ with `cryptography` and `rfc8785` (pip install cryptography rfc8785); it is
an example an auditor can read in full, and the formats it checks are in docs/signing.md.
Prints "OK: ..." and exits 0, or names the first bad entry and exits 1.
"""

import argparse
import base64
import hashlib
import json
import re
import sys
from datetime import datetime

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS_HASH = "0" * 64
IN_TOTO = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
LEDGER_HEAD = "urn:gm-first:predicate:ledger-head:v1"


class Broken(Exception):
    pass


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64decode(text: str) -> bytes:
    """Standard or URL-safe base64, padded or not (DSSE allows either)."""
    text = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def load_keys(document: dict) -> dict:
    keys = {}
    for key in document["keys"]:
        raw = bytes.fromhex(key["keyval"]["public"])
        if sha256_hex(raw) != key["keyid"]:
            raise Broken(f"key {key['keyid']} is not the SHA-256 of its public key")
        valid_until = datetime.fromisoformat(key["valid_until"]) if key["valid_until"] else None
        keys[key["keyid"]] = (Ed25519PublicKey.from_public_bytes(raw), valid_until)
    return keys


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding: what the signature is over."""
    type_bytes = payload_type.encode()
    return b"DSSEv1 %d %b %d %b" % (len(type_bytes), type_bytes, len(payload), payload)


def verified_statement(envelope: dict, keys: dict) -> tuple[dict, str]:
    """The in-toto Statement the envelope signs and the id of the key that signed it."""
    payload = b64decode(envelope["payload"])
    message = pae(envelope["payloadType"], payload)
    for signature in envelope["signatures"]:
        for keyid, (public_key, _until) in keys.items():
            try:
                public_key.verify(b64decode(signature["sig"]), message)
            except InvalidSignature:
                continue
            if envelope["payloadType"] != IN_TOTO:
                raise Broken(f"the payloadType is {envelope['payloadType']!r}")
            statement = json.loads(payload)
            if statement.get("_type") != STATEMENT_TYPE:
                raise Broken("the signed payload is not an in-toto Statement v1")
            return statement, keyid
    raise Broken("no published key verifies the envelope's signature")


def entry_hash(line: dict) -> str:
    fields = ("seq", "created_at", "kind", "subject", "envelope_sha256", "prev_hash")
    return sha256_hex(rfc8785.dumps({name: line[name] for name in fields}))


def check_entry(line: dict, expected_seq: int, prev_hash: str, keys: dict) -> None:
    if line["seq"] != expected_seq:
        raise Broken(f"expected entry {expected_seq} here, found {line['seq']}")
    if line["prev_hash"] != prev_hash:
        raise Broken("its prev_hash is not the previous entry's entry_hash")
    # The receipt bytes are the RFC 8785 canonical JSON of the envelope object.
    if sha256_hex(rfc8785.dumps(line["envelope"])) != line["envelope_sha256"]:
        raise Broken("its envelope does not match its envelope_sha256")
    if entry_hash(line) != line["entry_hash"]:
        raise Broken("its entry_hash does not match its fields")
    statement, keyid = verified_statement(line["envelope"], keys)
    valid_until = keys[keyid][1]
    if valid_until and datetime.fromisoformat(line["created_at"]) >= valid_until:
        raise Broken(f"it was signed with key {keyid} after that key was retired")
    if statement["subject"][0]["name"] != line["subject"]:
        raise Broken("its signed statement is about another subject")


def check_export(lines, keys: dict, tree: "Tree | None" = None) -> dict[int, str]:
    """Every entry's entry_hash by seq, once the whole chain has been checked (and each receipt
    added to the tree as its leaf)."""
    hashes, prev_hash = {}, GENESIS_HASH
    for number, text in enumerate(lines, start=1):
        try:
            line = json.loads(text)
            check_entry(line, number, prev_hash, keys)
        except (Broken, KeyError, TypeError, ValueError) as error:
            raise Broken(f"entry {number}: {error}") from error
        prev_hash = hashes[number] = line["entry_hash"]
        if tree is not None:
            tree.add(rfc8785.dumps(line["envelope"]))
    return hashes


# The RFC 6962 Merkle tree over the receipts, C2SP checkpoints and proofs of inclusion


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class Tree:
    """Built leaf by leaf keeping only its right border; remembers the root at the sizes asked for
    and the leaf hash of the entries asked for."""

    def __init__(self, sizes=(), seqs=()):
        self.size, self.border, self.sizes, self.seqs = 0, [], set(sizes), set(seqs)
        self.roots, self.leaves = {0: hashlib.sha256(b"").digest()}, {}

    def add(self, receipt: bytes) -> None:
        node, index = leaf_hash(receipt), self.size
        self.size += 1
        if self.size in self.seqs:
            self.leaves[self.size] = node
        while index & 1:
            node, index = node_hash(self.border.pop(), node), index >> 1
        self.border.append(node)
        if self.size in self.sizes:
            root = self.border[-1]
            for left in reversed(self.border[:-1]):
                root = node_hash(left, root)
            self.roots[self.size] = root


def checkpoint_keys(document: dict) -> list[tuple[str, bytes, Ed25519PublicKey]]:
    """(name, key ID, key) of each published checkpoint verifier key (C2SP signed-note vkey)."""
    found = []
    for key in document.get("checkpoints", {}).get("verifier_keys", []):
        name, key_id, encoded = key["vkey"].split("+", 2)
        raw = base64.b64decode(encoded)
        if raw[0] != 1 or hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() != key_id:
            raise Broken(f"the checkpoint verifier key {key['vkey']} does not match its key ID")
        found.append((name, bytes.fromhex(key_id), Ed25519PublicKey.from_public_bytes(raw[1:])))
    return found


def read_checkpoint(text: str, vkeys) -> tuple[int, bytes]:
    """(size, root hash) of a checkpoint signed by one of the published keys."""
    split = text.rfind("\n\n")
    body, lines = text[: split + 1], text[split + 2 :].splitlines()
    origin, size, root = body.split("\n")[:3]
    verified, failed = False, ""
    for line in lines:
        _dash, name, encoded = line.split(" ")
        signature = base64.b64decode(encoded)
        for key_name, key_id, public_key in vkeys:
            if (name, signature[:4]) != (key_name, key_id):
                continue
            try:
                public_key.verify(signature[4:], body.encode())
            except InvalidSignature:
                failed = failed or name
                continue
            verified = verified or origin == key_name
    if failed and verified:  # c2sp.org/signed-note: a known key's signature that fails refuses the whole note
        raise Broken(f"a signature by {failed} in it does not verify, so the whole note is refused (signed-note)")
    if failed:  # a published key's signature line: what it signed, or the line, was changed since
        raise Broken(
            "the checkpoint carries a published key's signature, but it does not verify: its text or "
            "that signature was changed after it was signed"
        )
    if not verified:
        raise Broken("the checkpoint is not signed by any published checkpoint key")
    return int(size), base64.b64decode(root)


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2."""
    fn, sn, root = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            raise Broken("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            root = node_hash(sibling, root)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            root = node_hash(root, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise Broken("the inclusion proof is too short")
    return root


def check_checkpoint(label: str, text: str, vkeys, tree: Tree) -> tuple[int, bytes]:
    try:
        size, root = read_checkpoint(text, vkeys)
    except (ValueError, IndexError) as error:
        raise Broken(f"{label}: it is not a checkpoint ({error})") from error
    except Broken as error:
        raise Broken(f"{label}: {error}") from error
    if size > tree.size:
        raise Broken(
            f"{label}: the export has {tree.size} entries, but the checkpoint covers {size}: the ledger was cut short "
            "(unless the export was made before the checkpoint was signed: check a newer export)"
        )
    if tree.roots[size] != root:
        raise Broken(
            f"{label}: the export's first {size} entries do not hash to the checkpoint's root: "
            "an entry among them was changed or replaced"
        )
    return size, root


def check_proof(label: str, proof: dict, vkeys, tree: Tree) -> str:
    size, root = check_checkpoint(label, proof["checkpoint"], vkeys, tree)
    seq, hashes = proof["seq"], [base64.b64decode(value) for value in proof["hashes"]]
    if (proof["treeSize"], proof["leafIndex"]) != (size, seq - 1) or not 1 <= seq <= size:
        raise Broken(
            f"{label}: its seq {seq}, leafIndex {proof['leafIndex']!r} and treeSize {proof['treeSize']!r} do not "
            f"agree with its checkpoint of size {size} (leafIndex is seq - 1, treeSize the checkpoint's size)"
        )
    try:
        leads = root_from_inclusion(seq - 1, size, tree.leaves[seq], hashes) == root
    except Broken as error:
        leads, why = False, f" ({error})"
    else:
        why = ""
    if not leads:
        raise Broken(f"{label}: its hashes do not lead from entry {seq}'s receipt to its checkpoint's root{why}")
    return f"entry {seq} is in the checkpoint of size {size}"


def check_head(head_envelope: dict, keys: dict, hashes: dict[int, str]) -> str:
    statement, _keyid = verified_statement(head_envelope, keys)
    if statement["predicateType"] != LEDGER_HEAD:
        raise Broken("the head file is not a signed ledger head")
    size, head_hash = statement["predicate"]["size"], statement["predicate"]["headHash"]
    if size and size not in hashes:
        raise Broken(f"entry {size}: the export lacks it, yet the signed head of {size} entries covers it")
    if size and hashes[size] != head_hash:
        raise Broken(f"entry {size}: its entry_hash is not the one the signed head of {size} entries names")
    return f"; it holds the {size} entries of the head signed at {statement['predicate']['observedAt']}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # The export is read as bytes, a line at a time: a line that is not UTF-8 is a broken entry.
    parser.add_argument("export", type=argparse.FileType("rb"))
    parser.add_argument("keys", type=argparse.FileType("r", encoding="utf-8"))
    parser.add_argument("--head", type=argparse.FileType("r", encoding="utf-8"))
    # Read as bytes: a checkpoint's lines end in LF alone, and text mode would hide a CRLF.
    parser.add_argument("--checkpoint", type=argparse.FileType("rb"), action="append", default=[])
    parser.add_argument("--proof", type=argparse.FileType("r", encoding="utf-8"), action="append", default=[])
    arguments = parser.parse_args(argv)
    try:
        document = _read(arguments.keys, _keys_document)
        saved = [(file.name, _read(file, _checkpoint)) for file in arguments.checkpoint]
        proofs = [(file.name, _read(file, _proof)) for file in arguments.proof]
        signed_head = _read(arguments.head, _signed_head) if arguments.head else None
    except Unreadable as error:
        parser.error(str(error))  # exit 2: a file given that is not what it should be, not a broken log
    try:
        keys, vkeys = load_keys(document), checkpoint_keys(document)
        sizes = [_size(text) for _name, text in saved] + [_size(proof["checkpoint"]) for _name, proof in proofs]
        tree = Tree(sizes, [proof["seq"] for _name, proof in proofs])
        hashes = check_export(arguments.export, keys, tree)
        about_head = check_head(signed_head, keys, hashes) if signed_head else ""
        about = [
            f"; consistent with the checkpoint of size {check_checkpoint(name, text, vkeys, tree)[0]}"
            for name, text in saved
        ]
        about += [f"; {check_proof(name, proof, vkeys, tree)}" for name, proof in proofs]
    except Broken as error:
        print(f"BROKEN at {error}", file=sys.stderr)
        return 1
    head = hashes[len(hashes)] if hashes else GENESIS_HASH
    print(f"OK: {len(hashes)} entries, head {head}{about_head}{''.join(about)}.")
    return 0


class Unreadable(Exception):
    """A file given is not UTF-8 text, or not the JSON it should be."""


def _read(file, parse):
    try:
        return parse(file.read())
    except (ValueError, KeyError, TypeError) as error:  # UnicodeDecodeError and JSON's errors are ValueErrors
        raise Unreadable(f"{file.name} cannot be read: {error}") from error


def _json(text: str, what: str):
    try:
        return json.loads(text)
    except ValueError:
        raise ValueError(f"it is not {what}: it is not JSON") from None


def _keys_document(text: str) -> dict:
    """The portal's keys document (/.well-known/gm-first-keys.json), or ValueError saying it is not."""
    what = "the portal's keys document (/.well-known/gm-first-keys.json)"
    document = _json(text, what)
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list) or not all(
        isinstance(key, dict) and {"keyid", "valid_until"} <= key.keys() and isinstance(key.get("keyval"), dict)
        for key in keys
    ):
        raise ValueError(f"it is not {what}: it has no list of keys")
    checkpoints = document.get("checkpoints", {})
    if not isinstance(checkpoints, dict) or not all(
        isinstance(key, dict) and isinstance(key.get("vkey"), str) for key in checkpoints.get("verifier_keys", [])
    ):
        raise ValueError(f"it is not {what}: its checkpoint verifier keys are not vkeys")
    return document


def _signed_head(text: str) -> dict:
    """A signed ledger head (/ledger/head: a DSSE envelope), or ValueError saying it is not."""
    what = "a signed ledger head (/ledger/head)"
    envelope = _json(text, what)
    if not isinstance(envelope, dict) or not {"payload", "payloadType", "signatures"} <= envelope.keys():
        raise ValueError(f"it is not {what}: it is not a signed envelope (payload, payloadType, signatures)")
    return envelope


def _proof(text: str) -> dict:
    proof = json.loads(text)
    if (
        not isinstance(proof, dict)
        or not isinstance(proof.get("seq"), int)
        or not isinstance(proof.get("checkpoint"), str)
    ):
        raise ValueError("it is not a proof of inclusion (a JSON object with seq and checkpoint)")
    _checkpoint(proof["checkpoint"].encode("utf-8", "surrogatepass"))
    return proof


_SIGNATURE_LINE = re.compile(r"\u2014 [^\s]+ [A-Za-z0-9+/]+={0,2}")


def _checkpoint(data: bytes) -> str:
    """The text of a file that has a checkpoint's form (c2sp.org/tlog-checkpoint in a signed note:
    an origin, a tree size and a root hash, a blank line, signature lines), for read_checkpoint to
    check its signature; ValueError naming what is not, as `ledger verify --checkpoint` does."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("it is not a checkpoint: the note is not UTF-8 text") from None
    if any(ord(character) < 0x20 and character != "\n" for character in text):
        raise ValueError("it is not a checkpoint: the note holds control characters (lines end in LF alone)")
    body, blank, signatures = text.rpartition("\n\n")
    if not blank or not text.endswith("\n"):
        raise ValueError("it is not a checkpoint: a note is its text, a blank line, then its signature lines")
    lines = body.split("\n")
    if len(lines) < 3 or not lines[1].isdigit() or not re.fullmatch(r"[A-Za-z0-9+/]{43}=", lines[2]):
        raise ValueError("it is not a checkpoint: its text is not an origin, a tree size and a root hash")
    if not signatures:  # the last blank line ends the file: after the signature lines, if any
        raise ValueError("it is not a checkpoint: it has no signature lines after its last blank line")
    if not all(_SIGNATURE_LINE.fullmatch(line) for line in signatures.splitlines()):
        raise ValueError("it is not a checkpoint: a signature line is not an em dash, a key name and base64")
    return text


def _size(checkpoint: str) -> int:
    lines = checkpoint.split("\n")
    return int(lines[1]) if len(lines) > 2 and lines[1].isdigit() else 0


if __name__ == "__main__":
    sys.exit(main())
