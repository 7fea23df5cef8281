"""Finding 6 of issue 11: Word and Excel evidence files are refused, saying why, when they are
encrypted, macro-enabled, inflate past EVIDENCE_MAX_UNZIPPED_MB or have more than
EVIDENCE_MAX_PARTS parts (a 512 MB "zip bomb" of half a megabyte was accepted)."""

import re

import pytest
from sqlalchemy import select

from covenant_portal.returns.evidence import office, service as evidence
from covenant_portal.returns.models import EvidenceFile
from tests.returns import evidence_files as files
from tests.returns.test_evidence import error_of, quarterly_return, signed, evidence_folder, upload  # noqa: F401

INFLATES = "would be larger than 100 MB once opened"


@pytest.mark.parametrize(
    "data, message",
    [
        (files.inflating_docx(), INFLATES),
        (files.ENCRYPTED_DOCX, office.ENCRYPTED),
        (files.zip_encrypted_docx(), office.ENCRYPTED),
        (files.DOCM, office.MACROS),
        (files.XLSM, office.MACROS),
        (files.DOCX_WITH_MACROS, office.MACROS),
        (files.MANY_PARTS_XLSX, "has more than 1000 parts inside"),
    ],
    ids=["512 MB unzipped", "password-protected", "zip-encrypted", "docm", "xlsm", "docx with a macro part", "parts"],
)
def test_office_files_that_must_not_be_kept_are_refused_saying_why(data, message):
    with pytest.raises(evidence.EvidenceError, match=re.escape(message)):
        evidence.check_file(data)


def test_ordinary_office_files_and_old_formats_are_as_before():
    assert evidence.check_file(files.DOCX) == evidence.DOCX
    assert evidence.check_file(files.XLSX) == evidence.XLSX
    assert evidence.check_file(files.inflating_docx(64)) == evidence.DOCX  # 64 MB unzipped: within 100
    with pytest.raises(evidence.EvidenceError, match="must be a PDF, DOCX, XLSX, PNG or JPEG"):
        evidence.check_file(files.OLD_WORD_DOCUMENT)


def test_the_limits_are_settings(app, client_request, db_session, signed, quarterly_return):
    app.config["EVIDENCE_MAX_UNZIPPED_MB"] = 32
    client_request.login(signed.user)
    page = error_of(upload(client_request, quarterly_return, files.inflating_docx(64), "big.docx", expected_status=400))
    assert "would be larger than 32 MB once opened" in page
    app.config["EVIDENCE_MAX_PARTS"] = 2
    page = error_of(
        upload(client_request, quarterly_return, files.inflating_docx(8), "three parts.docx", expected_status=400)
    )
    assert "has more than 2 parts inside" in page
    assert db_session.scalar(select(EvidenceFile.id)) is None


@pytest.mark.parametrize(
    "data, message",
    [
        (files.inflating_docx(), INFLATES),
        (files.ENCRYPTED_DOCX, "protected with a password"),
        (files.XLSM, "contains macros"),
    ],
)
def test_the_upload_page_says_why(client_request, signed, quarterly_return, data, message):
    client_request.login(signed.user)
    assert message in error_of(upload(client_request, quarterly_return, data, "evidence.docx", expected_status=400))
