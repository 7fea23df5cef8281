"""RFC 8785 (JSON Canonicalization Scheme) bytes and SHA-256 digests of them."""

import hashlib
from typing import Any

import rfc8785

# Printable ASCII but for " and \: text that is its own JSON (and RFC 8785) string, put in quotes.
# The quick paths of `ledger verify` (dsse.plain_parts, scan.py, hashed_scan.py) build or read JSON
# directly only for such text, and leave any other to a real JSON encoder or decoder.
PLAIN_JSON_TEXT = r"[ !#-\[\]-~]*"


class FloatInSignedData(TypeError):
    """Signed payloads keep numbers as integers or strings: floats do not survive every parser."""


def canonical_json(value: Any) -> bytes:
    _refuse_floats(value)
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_sha256(value: Any) -> str:
    return sha256_hex(canonical_json(value))


def _refuse_floats(value: Any, path: str = "$") -> None:
    if isinstance(value, float):
        raise FloatInSignedData(f"{path} is a float; use an integer or a string")
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_floats(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _refuse_floats(item, f"{path}[{index}]")
