"""Receipts as an outsider handles them: downloaded from the page, checked with securesystemslib
against the keys the portal publishes, never with the portal's own verifying code."""

import json

from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey


def published_keys(portal) -> list[SSlibKey]:
    """The keys as any outsider gets them: securesystemslib reads the published shape directly."""
    response = portal.page.request.get(portal.base_url + "/.well-known/gm-first-keys.json")
    assert response.ok, response.status
    return [SSlibKey.from_dict(key["keyid"], dict(key)) for key in response.json()["keys"]]


def download_receipt(portal, tmp_path, reference: str) -> bytes:
    """Presses "Download signed receipt" and returns the file's bytes (named after the reference)."""
    with portal.page.expect_download() as download_info:
        portal.page.get_by_role("button", name="Download signed receipt").click()
    download = download_info.value
    assert download.suggested_filename == f"gm-first-receipt-{reference}.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    return saved.read_bytes()


def verified_statement(portal, receipt: bytes) -> dict:
    """The in-toto Statement of a receipt whose signature securesystemslib verifies."""
    envelope = Envelope.from_dict(json.loads(receipt))
    assert envelope.verify(published_keys(portal), 1)
    return json.loads(envelope.payload)
