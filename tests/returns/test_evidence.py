"""Evidence files: the type is found from the content; files are kept outside the web root under
random names; bad files are refused with clear messages; downloads are attachments, for those who
may see the return."""

import io
import stat
from datetime import UTC, datetime

import pytest
from flask import current_app
from sqlalchemy import func, select

from covenant_portal.access import Role
from covenant_portal.returns.evidence import service as evidence
from covenant_portal.returns.submission import service as submission
from covenant_portal.returns.submission.document import document_for
from covenant_portal.returns.models import EvidenceFile
from covenant_portal.audit.models import AuditEvent
from covenant_portal.audit.service import SYSTEM
from covenant_portal.mail.links import Links
from tests.returns import evidence_files as files
from tests.returns.helpers import filled_return, period_of, signed_organisation
from tests.conftest import csrf_token_in, page_title
from tests.factories import create_user, local_authority

NOW = datetime(2026, 7, 10, 9, 30, tzinfo=UTC)
WRONG_TYPE = "The selected file must be a PDF, DOCX, XLSX, PNG or JPEG"
FORM_EXPIRED = "Your form expired"


@pytest.fixture
def evidence_folder(app, tmp_path):
    folder = tmp_path / "evidence"
    app.config["EVIDENCE_DIR"] = str(folder)
    return folder


@pytest.fixture
def signed(db_session, evidence_folder):
    return signed_organisation(db_session)


@pytest.fixture
def quarterly_return(db_session, signed):
    return filled_return(db_session, signed, period_of(db_session))


def attach(session, signed, quarterly_return, data=files.PDF, filename="policy.pdf", number=1):
    return evidence.add_evidence(
        session,
        evidence.evidence_dir(current_app.config, current_app.instance_path),
        quarterly_return,
        number,
        filename,
        data,
        signed.user,
        SYSTEM,
        NOW,
    )


# What a file is


@pytest.mark.parametrize(
    "data, media_type",
    [
        (files.PDF, evidence.PDF),
        (files.DOCX, evidence.DOCX),
        (files.XLSX, evidence.XLSX),
        (files.PNG, evidence.PNG),
        (files.JPEG, evidence.JPEG),
        (files.DOCM, None),  # a macro-enabled Word document
        (files.PLAIN_ZIP, None),
        (files.OLD_WORD_DOCUMENT, None),
        (files.WINDOWS_PROGRAM, None),
        (files.TEXT, None),
    ],
)
def test_the_type_comes_from_the_content(data, media_type):
    assert evidence.media_type_of(data) == media_type


def test_a_package_declaring_both_a_document_and_a_workbook_is_refused():
    import zipfile

    both = files.office_file("word/document.xml", files.WORD_MAIN, {"xl/workbook.xml": b"<x/>"})
    assert evidence.media_type_of(both) == evidence.DOCX  # an undeclared part does not count
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            (
                '<Types><Override PartName="/word/document.xml" ContentType="%s"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="%s"/></Types>' % (files.WORD_MAIN, files.EXCEL_MAIN)
            ),
        )
        archive.writestr("word/document.xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
    assert evidence.media_type_of(buffer.getvalue()) is None


@pytest.mark.parametrize(
    "typed, media_type, safe",
    [
        ("policy.pdf", evidence.PDF, "policy.pdf"),
        ("C:\\Users\\me\\Rota March.XLSX", evidence.XLSX, "Rota March.XLSX"),
        ("../../etc/photo.jpeg", evidence.JPEG, "photo.jpeg"),
        ("photo.pdf", evidence.PNG, "photo.pdf.png"),  # named as something it is not
        ('we"ird<name>.docx', evidence.DOCX, "weirdname.docx"),
        ("", evidence.PDF, "evidence.pdf"),
    ],
)
def test_names_are_made_safe_and_end_in_the_real_type(typed, media_type, safe):
    assert evidence.safe_filename(typed, media_type) == safe


# Keeping files


def test_a_file_is_kept_under_a_random_name_in_a_private_folder(db_session, signed, quarterly_return, evidence_folder):
    added = attach(db_session, signed, quarterly_return)

    assert (added.filename, added.media_type, added.size_bytes) == ("policy.pdf", evidence.PDF, len(files.PDF))
    path = evidence_folder / added.stored_name
    assert path.read_bytes() == files.PDF
    assert len(added.stored_name) == 64 and "policy" not in added.stored_name
    assert stat.S_IMODE(evidence_folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "attestation.evidence_added"))
    assert event.details["sha256"] == added.sha256


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "The selected file is empty"),
        (files.padded_pdf(evidence.MAX_EVIDENCE_BYTES + 1), "The selected file must be smaller than 10 MB"),
        (files.TEXT, WRONG_TYPE),
        (files.WINDOWS_PROGRAM, WRONG_TYPE),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(
    db_session, signed, quarterly_return, evidence_folder, data, message
):
    with pytest.raises(evidence.EvidenceError, match=message):
        attach(db_session, signed, quarterly_return, data=data)
    assert db_session.scalar(select(EvidenceFile.id)) is None
    assert not any(evidence_folder.iterdir())


@pytest.mark.parametrize(
    "filename, shown",
    [
        ("Jamie Smith DOB 03-04-2012.pdf", "Remove the date of birth (03-04-2012)"),
        ("Jamie_aged_12.pdf", "Remove “Jamie aged 12”"),
        ("NHS 943 476 5919.pdf", "it looks like an NHS number"),
    ],
)
def test_a_file_whose_name_could_identify_a_child_is_refused(
    db_session, signed, quarterly_return, evidence_folder, filename, shown
):
    """The name is signed with the return and shown to local authorities, like any free text."""
    with pytest.raises(evidence.EvidenceError, match="Rename the file, then upload it again") as refused:
        attach(db_session, signed, quarterly_return, filename=filename)
    assert shown in str(refused.value)
    assert db_session.scalar(select(EvidenceFile.id)) is None
    assert not any(evidence_folder.iterdir())


def test_a_file_of_exactly_10_mb_is_accepted(db_session, signed, quarterly_return):
    added = attach(db_session, signed, quarterly_return, data=files.padded_pdf(evidence.MAX_EVIDENCE_BYTES))
    assert added.size_bytes == 10 * 1024 * 1024


def test_files_are_signed_with_the_return(db_session, signed, quarterly_return):
    added = attach(db_session, signed, quarterly_return, data=files.XLSX, filename="rota.xlsx", number=4)
    document = document_for(db_session, quarterly_return, quarterly_return.draft)
    assert document["pledges"][3]["evidence"] == [
        {"filename": "rota.xlsx", "mediaType": evidence.XLSX, "sizeBytes": len(files.XLSX), "sha256": added.sha256}
    ]
    assert all(not pledge["evidence"] for pledge in document["pledges"] if pledge["number"] != 4)


def test_a_removed_file_is_deleted_unless_a_signed_version_lists_it(
    db_session, signed, quarterly_return, evidence_folder
):
    directory = evidence.evidence_dir(current_app.config, current_app.instance_path)
    draft_only = attach(db_session, signed, quarterly_return, filename="draft.pdf")
    evidence.remove_evidence(db_session, directory, draft_only, SYSTEM, NOW)
    assert draft_only.removed_at == NOW and not (evidence_folder / draft_only.stored_name).exists()

    kept = attach(db_session, signed, quarterly_return, data=files.PNG, filename="signed.png")
    first = submission.sign_return(
        db_session,
        Links.from_app(current_app),
        current_app.extensions["signing_key"],
        signed.user,
        quarterly_return,
        submission.ReturnSigning("A Person", "Director", quarterly_return.draft_lock),
        SYSTEM,
        NOW,
    )
    assert [f["filename"] for f in first.document["pledges"][0]["evidence"]] == ["signed.png"]
    with pytest.raises(evidence.EvidenceError, match="Start a correction"):
        evidence.remove_evidence(db_session, directory, kept, SYSTEM, NOW)
    submission.start_correction(db_session, quarterly_return, signed.user, SYSTEM, NOW)
    evidence.remove_evidence(db_session, directory, kept, SYSTEM, NOW)
    assert (evidence_folder / kept.stored_name).exists()  # version 1 still lists it
    document = document_for(db_session, quarterly_return, quarterly_return.draft)
    assert document["pledges"][0]["evidence"] == []


# Pages


def evidence_url(quarterly_return, number=1) -> str:
    return f"/returns/{quarterly_return.id}/pledges/{number}/evidence"


def upload(client_request, quarterly_return, data, filename, expected_status=302, number=1):
    url = evidence_url(quarterly_return, number)
    token = csrf_token_in(client_request.get(url).get_data(as_text=True))
    response = client_request.client.post(
        url,
        data={"csrf_token": token, "evidence_file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == expected_status, response.status_code
    if expected_status == 302:  # an upload kept goes back to the pledge's evidence page
        client_request.assert_redirects_to(response.location, "returns.evidence")
    return response


def error_of(response) -> str:
    html = response.get_data(as_text=True)
    assert page_title(html).startswith("Error: ")
    assert 'class="govuk-error-summary"' in html
    return html


def test_a_provider_uploads_lists_downloads_and_removes_a_file(client_request, db_session, signed, quarterly_return):
    client_request.login(signed.colleague(db_session))
    upload(client_request, quarterly_return, files.DOCX, "Staffing policy.docx")
    page = client_request.get(evidence_url(quarterly_return)).get_data(as_text=True)
    assert "Staffing policy.docx is attached to pledge 1." in page
    assert "Word document (DOCX), 466 bytes" in page  # in words, as "smaller than 10 MB" is (not "466 Bytes")
    # The back link above and the link below the upload, where a provider ends, say the same words.
    assert page.count("Back to pledge 1</a>") == 2 and "Return to pledge" not in page
    assert len(files.DOCX) == 466
    added = db_session.scalar(select(EvidenceFile))
    assert f"/returns/{quarterly_return.id}/evidence/{added.id}" in page

    download = client_request.get(f"/returns/{quarterly_return.id}/evidence/{added.id}")
    assert download.get_data() == files.DOCX
    assert download.mimetype == evidence.DOCX
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Staffing policy.docx" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    client_request.post(
        f"/returns/{quarterly_return.id}/evidence/{added.id}/remove",
        form_url=evidence_url(quarterly_return),
        expected_redirect="returns.evidence",
    )
    page = client_request.get(evidence_url(quarterly_return)).get_data(as_text=True)
    assert "Staffing policy.docx is removed from pledge 1." in page and "No files are attached" in page
    client_request.get(f"/returns/{quarterly_return.id}/evidence/{added.id}", expected_status=404)


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (files.TEXT, "report.pdf", WRONG_TYPE),  # renamed as a PDF
        (files.WINDOWS_PROGRAM, "photo.png", WRONG_TYPE),
        (b"", "empty.pdf", "The selected file is empty"),
        (files.padded_pdf(evidence.MAX_EVIDENCE_BYTES + 1), "big.pdf", "The selected file must be smaller than 10 MB"),
        (files.PDF, "Jamie DOB 03.04.2012.pdf", "Rename the file, then upload it again. Remove the date of birth"),
    ],
)
def test_bad_files_get_a_clear_message(client_request, signed, quarterly_return, data, filename, message):
    client_request.login(signed.user)
    html = error_of(upload(client_request, quarterly_return, data, filename, expected_status=400))
    assert message in html
    assert 'class="govuk-file-upload govuk-file-upload--error"' in html or "govuk-form-group--error" in html


def test_a_request_far_over_the_limit_gets_the_same_message(client_request, signed, quarterly_return):
    client_request.login(signed.user)
    response = upload(client_request, quarterly_return, files.padded_pdf(12 * 1024 * 1024), "huge.pdf", 413)
    assert "The selected file must be smaller than 10 MB" in error_of(response)


def test_no_file_chosen(client_request, signed, quarterly_return):
    client_request.login(signed.user)
    url = evidence_url(quarterly_return)
    response = client_request.post(url, {}, expected_status=400)
    assert "Select a file to upload" in error_of(response)


def test_other_requests_keep_the_usual_limit(client_request):
    response = client_request.client.post("/sign-in", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


def test_another_organisation_cannot_see_upload_or_download(client_request, db_session, signed, quarterly_return):
    added = attach(db_session, signed, quarterly_return)
    client_request.login(create_user(db_session, Role.PROVIDER))
    client_request.get(evidence_url(quarterly_return), expected_status=404)
    client_request.get(f"/returns/{quarterly_return.id}/evidence/{added.id}", expected_status=404)


def test_local_authorities_download_only_files_of_signed_versions(client_request, db_session, signed, quarterly_return):
    added = attach(db_session, signed, quarterly_return)
    bolton = create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Bolton"))
    wigan = create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Wigan"))
    url = f"/returns/{quarterly_return.id}/evidence/{added.id}"
    client_request.login(bolton)
    client_request.get(url, expected_status=404)  # still the provider's draft

    submission.sign_return(
        db_session,
        Links.from_app(current_app),
        current_app.extensions["signing_key"],
        signed.user,
        quarterly_return,
        submission.ReturnSigning("A Person", "Director", quarterly_return.draft_lock),
        SYSTEM,
        NOW,
    )
    assert client_request.get(url).get_data() == files.PDF
    client_request.login(wigan)  # no home in Wigan, no Wigan children
    client_request.get(url, expected_status=404)
    client_request.login(create_user(db_session, Role.ESCALATION_OFFICER))
    client_request.get(url)


def test_an_upload_without_the_form_token_is_refused(client_request, db_session, signed, quarterly_return):
    client_request.login(signed.user)
    response = client_request.client.post(
        evidence_url(quarterly_return),
        data={"evidence_file": (io.BytesIO(files.PDF), "policy.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert FORM_EXPIRED in response.get_data(as_text=True)  # the CSRF check, not the form's own
    assert db_session.scalar(select(EvidenceFile.id)) is None


def test_removing_or_uploading_after_signing_says_why_once_and_not_as_a_success(
    client_request, db_session, signed, quarterly_return
):
    """An evidence page opened before the return was signed (another tab, the back button)."""
    added = attach(db_session, signed, quarterly_return)
    client_request.login(signed.user)
    token = csrf_token_in(client_request.get(evidence_url(quarterly_return)).get_data(as_text=True))
    submission.sign_return(
        db_session,
        Links.from_app(current_app),
        current_app.extensions["signing_key"],
        signed.user,
        quarterly_return,
        submission.ReturnSigning("A Person", "Director", quarterly_return.draft_lock),
        SYSTEM,
        NOW,
    )
    signed_version = f"/returns/{quarterly_return.id}/submissions/1"

    for send in (
        lambda: client_request.client.post(
            f"/returns/{quarterly_return.id}/evidence/{added.id}/remove", data={"csrf_token": token}
        ),
        lambda: client_request.client.post(
            evidence_url(quarterly_return),
            data={"csrf_token": token, "evidence_file": (io.BytesIO(files.PDF), "another.pdf")},
            content_type="multipart/form-data",
        ),
    ):
        response = send()
        while response.status_code == 302:
            response = client_request.client.get(response.location)
        assert response.request.path == signed_version
        page = response.get_data(as_text=True)
        assert page.count("This return has been signed. Start a correction to change its evidence.") == 1
        assert "govuk-notification-banner--success" not in page
    assert added.removed_at is None
    assert db_session.scalar(select(func.count(EvidenceFile.id))) == 1
