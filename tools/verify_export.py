#!/usr/bin/env python3
"""Check a GM First Covenant Portal ledger export offline, without the portal or its database.

    python verify_export.py ledger.jsonl gm-first-keys.json [--head ledger-head.json]

ledger.jsonl is the output of `flask --app covenant_portal ledger export`; gm-first-keys.json a copy
of the portal's /.well-known/gm-first-keys.json; ledger-head.json (optional) a signed ledger head
saved earlier from /ledger/head, to show the export still holds everything that head covered.

Needs only Python 3.11+ with `cryptography` and `rfc8785` (pip install cryptography rfc8785); it is
an example an auditor can read in full, and the formats it checks are in docs/signing.md.
Prints "OK: ..." and exits 0, or names the first bad entry and exits 1.
"""
import argparse
import base64
import hashlib
import json
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


def check_export(lines, keys: dict) -> dict[int, str]:
    """Every entry's entry_hash by seq, once the whole chain has been checked."""
    hashes, prev_hash = {}, GENESIS_HASH
    for number, text in enumerate(lines, start=1):
        try:
            line = json.loads(text)
            check_entry(line, number, prev_hash, keys)
        except (Broken, KeyError, TypeError, ValueError) as error:
            raise Broken(f"entry {number}: {error}") from error
        prev_hash = hashes[number] = line["entry_hash"]
    return hashes


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
    parser.add_argument("export", type=argparse.FileType("r", encoding="utf-8"))
    parser.add_argument("keys", type=argparse.FileType("r", encoding="utf-8"))
    parser.add_argument("--head", type=argparse.FileType("r", encoding="utf-8"))
    arguments = parser.parse_args(argv)
    try:
        keys = load_keys(json.load(arguments.keys))
        hashes = check_export(arguments.export, keys)
        about_head = check_head(json.load(arguments.head), keys, hashes) if arguments.head else ""
    except Broken as error:
        print(f"BROKEN at {error}", file=sys.stderr)
        return 1
    head = hashes[len(hashes)] if hashes else GENESIS_HASH
    print(f"OK: {len(hashes)} entries, head {head}{about_head}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
