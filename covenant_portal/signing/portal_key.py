"""The portal's own signing key, loaded once when the app starts."""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, current_app

from covenant_portal.config import ConfigurationError
from covenant_portal.private_files import write_private_file_once
from covenant_portal.signing.keys import keyid_of, load_private_key, new_private_key_pem, public_key_pem


@dataclass(frozen=True)
class PortalKey:
    private_key: Ed25519PrivateKey
    keyid: str
    public_key_pem: str
    # The ledger's checkpoint origin, which is also the key's name in the checkpoints it signs.
    origin: str = ""

    @classmethod
    def from_private_key(cls, private_key: Ed25519PrivateKey, origin: str = "") -> "PortalKey":
        public_key = private_key.public_key()
        return cls(private_key, keyid_of(public_key), public_key_pem(public_key), origin)


def signing_key_path(app: Flask) -> Path:
    configured = app.config.get("SIGNING_KEY_FILE")
    if configured:
        return Path(configured)
    if app.config["PRODUCTION"]:
        raise ConfigurationError(
            "FLASK_SIGNING_KEY_FILE is not set. In production the portal signs records with an Ed25519 key "
            "kept in a PEM file: create one with `flask --app covenant_portal keys rotate` on a secure machine "
            "(or `openssl genpkey -algorithm ed25519`) and set FLASK_SIGNING_KEY_FILE to its path."
        )
    return Path(app.instance_path) / "signing_key.pem"


def origin_of(config) -> str:
    """The ledger's checkpoint origin: LEDGER_ORIGIN, else the portal's address without its scheme
    (c2sp.org/tlog-tiles: the log's URL prefix, schema-less, no trailing slash)."""
    configured = (config.get("LEDGER_ORIGIN") or "").strip()
    if configured:
        return configured
    address = urlsplit(config["BASE_URL"])
    return (address.netloc + address.path).rstrip("/")


def init_app(app: Flask) -> None:
    path = signing_key_path(app)
    if not path.exists():
        if app.config["PRODUCTION"]:
            raise ConfigurationError(f"The signing key file {path} (FLASK_SIGNING_KEY_FILE) does not exist.")
        write_private_file_once(path, new_private_key_pem())
    _load(app, path)


def _load(app: Flask, path: Path) -> None:
    stamp = _stamp(path)
    app.extensions["signing_key"] = PortalKey.from_private_key(load_private_key(path), origin_of(app.config))
    app.extensions["signing_key_stamp"] = stamp


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_ino, status.st_mtime_ns


def portal_key() -> PortalKey:
    """The key to sign with. `keys rotate` replaces the key file; running processes notice at their
    next signature and switch to the new key, so none keeps signing with the retired one."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    path = signing_key_path(app)
    try:
        if _stamp(path) != app.extensions["signing_key_stamp"]:
            _load(app, path)
    except (OSError, ValueError):
        pass  # caught mid-rotation (no file for an instant): keep the loaded key; seal() refuses it if retired
    return app.extensions["signing_key"]
