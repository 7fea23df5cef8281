"""Secrets generated into the instance folder in development (secret key, signing key)."""

import os
from pathlib import Path


def write_private_file_once(path: Path, data: bytes) -> bytes:
    """Creates `path` (mode 0600) holding `data` unless it exists; returns what the file holds.

    Written aside, then linked into place (which fails if the file is already there): a second
    process starting at the same moment reads a whole file, never a half-written one, and every
    process ends up with the same contents.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    try:
        os.link(temporary, path)
    except FileExistsError:
        data = path.read_bytes()
    finally:
        temporary.unlink()
    return data
