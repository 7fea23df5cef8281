"""Someone with a receipt file checks it at /verify in a real browser, with and without JavaScript
(every page visited is checked with axe-core by the browser fixtures)."""

import pytest

from covenant_portal.db import get_session
from tests.signing.helpers import receipt_of, sign_covenants

pytestmark = pytest.mark.browser


@pytest.fixture
def receipt_file(live_server, tmp_path):
    with live_server.app.app_context():
        session = get_session()
        [signature] = sign_covenants(session, 1)
        path = tmp_path / "gm-first-receipt-GMF-000001.json"
        path.write_bytes(receipt_of(session, signature))
        return path


@pytest.mark.parametrize("javascript_enabled", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_a_receipt_file_is_checked_and_a_damaged_one_explained(open_portal, receipt_file, javascript_enabled):
    portal = open_portal(javascript_enabled)
    portal.visit("/verify")
    assert portal.heading == "Check a signed receipt"

    portal.page.get_by_label("Upload a receipt file", exact=True).set_input_files(receipt_file)
    portal.press("Check the receipt")
    assert portal.heading == "The receipt is valid"
    assert " signed version 1 of the GM First Covenant for " in portal.text  # said first, in words
    assert "Receipt reference\tGMF-000001" in portal.text
    assert "This record is entry 1 of the portal’s ledger" not in portal.text  # for auditors, folded away
    portal.page.get_by_text("For auditors", exact=True).click()
    assert "This record is entry 1 of the portal’s ledger" in portal.text

    portal.click_link("Check another receipt")
    portal.fill("Or paste the receipt", receipt_file.read_text()[:200])
    portal.press("Check the receipt", expected_status=400)
    assert portal.error_messages == ["The receipt is not valid JSON. It may be truncated or damaged."]
    assert portal.page.get_by_label("Or paste the receipt", exact=True).input_value() == receipt_file.read_text()[:200]
