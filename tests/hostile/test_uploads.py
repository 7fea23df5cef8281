"""Issue 11, point 11, for uploads: wrong types, empty, oversized and inflating files and hostile
file names, as evidence of a return and as a receipt at /verify. Never a server error, a message
saying why a file is refused, and a name that is safe wherever the file is shown or downloaded."""

import io
import re

import pytest

from covenant_portal.returns.evidence import service as evidence
from tests.conftest import csrf_token_in
from tests.hostile.conftest import browser_for
from tests.hostile.corpus import MARKERS, unescaped_markers
from tests.returns import evidence_files as files

REFUSED = {
    "text as a PDF": (files.TEXT, "report.pdf", evidence.WRONG_TYPE),
    "program as a PNG": (files.WINDOWS_PROGRAM, "photo.png", evidence.WRONG_TYPE),
    "page as a PDF": (f"<html>{MARKERS}</html>".encode(), "page.pdf", evidence.WRONG_TYPE),
    "empty": (b"", "empty.pdf", evidence.EMPTY),
    "oversized": (files.padded_pdf(evidence.MAX_EVIDENCE_BYTES + 1), "big.pdf", evidence.TOO_LARGE),
    "inflating": (files.inflating_docx(), "bomb.docx", "would be larger than 100 MB once opened"),
    "encrypted": (files.ENCRYPTED_DOCX, "secret.docx", "protected with a password"),
    "macros": (files.XLSM, "macros.xlsx", "contains macros"),
}
NAMES = [
    "../../../etc/passwd",
    "..\\..\\windows\\system32\\evil.pdf",
    f"{MARKERS}.pdf",
    'a"b\r\nSet-Cookie: x=1.pdf',
    "evil\u202efdp.exe",
    '=HYPERLINK("http://evil.example").pdf',
    "x" * 1000 + ".pdf",
    "CON",
    "nul\x00.pdf",
    "😀🇬🇧.pdf",
    " . .pdf",
    "zero\u200bwidth.pdf",
]


def upload(browser, url, data: bytes, filename: str, field: str = "evidence_file"):
    token = csrf_token_in(browser.client.get(url).get_data(as_text=True))
    response = browser.client.post(
        url, data={"csrf_token": token, field: (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )
    assert response.status_code < 500, (url, filename[:40], response.status_code)
    return response


@pytest.fixture
def evidence_page(hostile):
    return f"/returns/{hostile.world.draft_return.id}/pledges/1/evidence"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_bad_evidence_files_are_refused_saying_why(hostile, evidence_page, name):
    data, filename, message = REFUSED[name]
    browser = browser_for(hostile, "provider")
    response = upload(browser, evidence_page, data, filename)
    assert response.status_code in (400, 413)
    assert message in response.get_data(as_text=True)


def test_hostile_file_names_are_made_safe_shown_escaped_and_downloaded_safely(hostile, evidence_page):
    browser = browser_for(hostile, "provider")
    for typed in NAMES:
        savepoint = hostile.connection.begin_nested()
        try:
            response = upload(browser, evidence_page, files.PDF, typed)
            assert response.status_code == 302, (typed[:40], response.status_code)
            page = browser.client.get(evidence_page).get_data(as_text=True)
            assert unescaped_markers(page) == [], typed
            links = re.findall(r'href="(/returns/\d+/evidence/\d+)"', page)
            download = browser.client.get(links[-1])
            disposition = download.headers["Content-Disposition"]
            assert download.status_code == 200 and download.get_data() == files.PDF
            assert disposition.startswith("attachment;") and not re.search(r"[\r\n\x00]", disposition), disposition
            assert "/" not in disposition and "\\" not in disposition, disposition
        finally:
            savepoint.rollback()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_bad_files_at_verify_get_a_clear_answer(hostile, name):
    data, filename, _ = REFUSED[name]
    browser = browser_for(hostile, "anonymous")
    response = upload(browser, "/verify", data, filename, field="receipt_file")
    assert response.status_code in (400, 413)
    assert 'class="govuk-error-summary"' in response.get_data(as_text=True)
