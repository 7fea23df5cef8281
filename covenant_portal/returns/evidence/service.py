"""Evidence files attached to a pledge of a return: checking what a file is from its content, keeping
it outside the web root under a random name, and who may download it.

A file is accepted only if its bytes are a PDF, a Word document (DOCX), an Excel workbook (XLSX), a
PNG or a JPEG image — whatever its name says — and it is not empty and at most 10 MB. DOCX and
XLSX are both zip archives: which one (if either) is decided by the main part their
[Content_Types].xml declares (word/document.xml or xl/workbook.xml), so a macro-enabled document,
an old .doc or any other zip is refused; so is an encrypted, macro-enabled or inflating Word or
Excel file, with a message that says why (evidence/office.py).

Files live in EVIDENCE_DIR (default: the instance folder's evidence/, created mode 0700), each as a
random 64-character name written mode 0600. A file removed from a draft is deleted from disk
unless a signed version of the return lists it: signed versions keep their files.
"""

import io
import logging
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import filetype
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import User
from covenant_portal.access import Role
from covenant_portal.returns.evidence.office import DEFAULT_LIMITS, OfficeLimits, office_problem
from covenant_portal.returns.models import QuarterlyReturn, EvidenceFile
from covenant_portal.audit.service import Actor
from covenant_portal.signing.canonical import sha256_hex
from covenant_portal.web.identifiers import identifying_data_problem

logger = logging.getLogger(__name__)

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_PLEDGE = 20
# An upload request carries the file plus the form's few fields (and multipart framing).
MAX_UPLOAD_REQUEST_BYTES = MAX_EVIDENCE_BYTES + 256 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"


@dataclass(frozen=True)
class FileType:
    media_type: str
    name: str  # as people call it
    extensions: tuple[str, ...]  # the first is added to a name that has none of them


FILE_TYPES = {
    PDF: FileType(PDF, "PDF", (".pdf",)),
    DOCX: FileType(DOCX, "Word document (DOCX)", (".docx",)),
    XLSX: FileType(XLSX, "Excel spreadsheet (XLSX)", (".xlsx",)),
    PNG: FileType(PNG, "PNG image", (".png",)),
    JPEG: FileType(JPEG, "JPEG image", (".jpg", ".jpeg")),
}
ACCEPTED_EXTENSIONS = ",".join(extension for kind in FILE_TYPES.values() for extension in kind.extensions)

# The main part of an Office Open XML package, as its [Content_Types].xml declares it.
OOXML_MAIN_PARTS = {
    DOCX: ("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    XLSX: ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
MAX_CONTENT_TYPES_BYTES = 256 * 1024

WRONG_TYPE = "The selected file must be a PDF, DOCX, XLSX, PNG or JPEG"
TOO_LARGE = "The selected file must be smaller than 10 MB"
EMPTY = "The selected file is empty"
NO_FILE = "Select a file to upload"
SIGNED = "This return has been signed. Start a correction to change its evidence."


class EvidenceError(ValueError):
    """A file that cannot be attached; the message is fit to show next to the file field."""


# What a file is


def media_type_of(data: bytes) -> str | None:
    """The accepted media type the content is, found from the bytes alone, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_type(data)
    kind = filetype.guess(data[:8192])
    if kind is not None and kind.mime in (PNG, JPEG):
        return kind.mime
    return None


def _ooxml_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return None
            with archive.open("[Content_Types].xml") as part:
                content_types = part.read(MAX_CONTENT_TYPES_BYTES).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, NotImplementedError, ValueError):
        return None
    found = [
        media_type
        for media_type, (part_name, content_type) in OOXML_MAIN_PARTS.items()
        if part_name.lstrip("/") in names and _declares(content_types, part_name, content_type)
    ]
    return found[0] if len(found) == 1 else None


def _declares(content_types: str, part_name: str, content_type: str) -> bool:
    """Whether [Content_Types].xml overrides the part to the content type (attributes in either order)."""
    for override in re.findall(r"<Override\b[^>]*>", content_types):
        attributes = dict(re.findall(r'(\w+)\s*=\s*"([^"]*)"', override))
        if attributes.get("PartName", "").lower() == part_name and attributes.get("ContentType") == content_type:
            return True
    return False


def safe_filename(typed: str, media_type: str) -> str:
    """The uploaded file's name without any folder or control characters, at most 255 characters,
    ending in an extension of its real type (added if the name has another or none)."""
    name = unicodedata.normalize("NFC", typed.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(character for character in name if character.isprintable() and character not in '"<>|:*?')
    name = " ".join(name.split()).strip(" .") or "evidence"
    extensions = FILE_TYPES[media_type].extensions
    if not name.lower().endswith(extensions):
        name = f"{name}{extensions[0]}"
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: 254 - len(extension)]}{dot}{extension}"
    return name


def name_problem(name: str) -> str | None:
    """What in a file's name could identify a child, if anything: the name is signed with the return
    and shown to local authorities, so it is free text like any other (underscores read as spaces)."""
    stem = name.rsplit(".", 1)[0]
    problem = identifying_data_problem(stem.replace("_", " "))
    return f"Rename the file, then upload it again. {problem}" if problem else None


def check_file(data: bytes, limits: OfficeLimits = DEFAULT_LIMITS) -> str:
    """The file's media type, if it may be attached; else EvidenceError saying why."""
    if not data:
        raise EvidenceError(EMPTY)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceError(TOO_LARGE)
    problem = office_problem(data, limits)
    if problem:
        raise EvidenceError(problem)
    media_type = media_type_of(data)
    if media_type is None:
        raise EvidenceError(WRONG_TYPE)
    return media_type


# Where files are kept


def evidence_dir(config, instance_path: str | Path) -> Path:
    """EVIDENCE_DIR of the config, or the instance folder's evidence/: made (mode 0700) if it is not
    there. The routes pass it to the services below."""
    configured = config.get("EVIDENCE_DIR") or ""
    directory = Path(configured) if configured else Path(instance_path) / "evidence"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def stored_path(directory: Path, evidence: EvidenceFile) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", evidence.stored_name):
        raise ValueError(f"evidence_file {evidence.id} has an unexpected stored_name")
    return directory / evidence.stored_name


def _write_new_file(directory: Path, data: bytes) -> str:
    while True:
        stored_name = secrets.token_hex(32)
        try:
            descriptor = os.open(directory / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        return stored_name


# Attaching and removing


def pledge_numbers(session: Session) -> list[int]:
    from covenant_portal.covenant.service import current_version

    version = current_version(session)
    return [int(pledge["number"]) for pledge in version.document["pledges"]] if version else []


def files_for_pledge(session: Session, return_id: int, pledge_number: int) -> list[EvidenceFile]:
    """The files attached to the pledge in the return's draft now, oldest first."""
    return list(
        session.scalars(
            select(EvidenceFile)
            .where(
                EvidenceFile.return_id == return_id,
                EvidenceFile.pledge_number == pledge_number,
                EvidenceFile.removed_at.is_(None),
            )
            .order_by(EvidenceFile.uploaded_at, EvidenceFile.id)
        )
    )


def add_evidence(
    session: Session,
    directory: Path,
    quarterly_return: QuarterlyReturn,
    pledge_number: int,
    filename: str,
    data: bytes,
    uploader: User,
    actor: Actor,
    now: datetime,
    limits: OfficeLimits = DEFAULT_LIMITS,
) -> EvidenceFile:
    """Checks and keeps the file, attached to the pledge in the return's draft (Word and Excel
    files within `limits`: evidence/office.py)."""
    if quarterly_return.draft is None:
        raise EvidenceError(SIGNED)
    if pledge_number not in pledge_numbers(session):
        raise EvidenceError("There is no such pledge")
    media_type = check_file(data, limits)
    filename = safe_filename(filename, media_type)
    if problem := name_problem(filename):
        raise EvidenceError(problem)
    attached = session.scalar(
        select(func.count(EvidenceFile.id)).where(
            EvidenceFile.return_id == quarterly_return.id,
            EvidenceFile.pledge_number == pledge_number,
            EvidenceFile.removed_at.is_(None),
        )
    )
    if attached >= MAX_FILES_PER_PLEDGE:
        raise EvidenceError(f"A pledge can have at most {MAX_FILES_PER_PLEDGE} files: remove one first")
    stored_name = _write_new_file(directory, data)
    evidence = EvidenceFile(
        return_id=quarterly_return.id,
        pledge_number=pledge_number,
        filename=filename,
        stored_name=stored_name,
        media_type=media_type,
        size_bytes=len(data),
        sha256=sha256_hex(data),
        uploaded_at=now,
        uploaded_by_id=uploader.id,
    )
    try:
        session.add(evidence)
        session.flush()
        audit.record(
            session,
            actor,
            "attestation.evidence_added",
            evidence,
            now,
            return_id=quarterly_return.id,
            pledge_number=pledge_number,
            filename=evidence.filename,
            media_type=media_type,
            size_bytes=evidence.size_bytes,
            sha256=evidence.sha256,
        )
        session.commit()
    except BaseException:
        session.rollback()
        (directory / stored_name).unlink(missing_ok=True)
        raise
    return evidence


def remove_evidence(session: Session, directory: Path, evidence: EvidenceFile, actor: Actor, now: datetime) -> None:
    """Takes the file off the draft; deletes it from disk unless a signed version lists it."""
    quarterly_return = session.get(QuarterlyReturn, evidence.return_id)
    if quarterly_return.draft is None:
        raise EvidenceError(SIGNED)
    if evidence.removed_at is not None:
        return
    evidence.removed_at = now
    keep = in_signed_version(quarterly_return, evidence)
    audit.record(
        session,
        actor,
        "attestation.evidence_removed",
        evidence,
        now,
        return_id=evidence.return_id,
        pledge_number=evidence.pledge_number,
        filename=evidence.filename,
        kept_for_signed_version=keep,
    )
    session.commit()
    if not keep:
        stored_path(directory, evidence).unlink(missing_ok=True)


# Who may download what


def signed_evidence_keys(quarterly_return: QuarterlyReturn) -> set[tuple[int, str, str]]:
    """(pledge number, sha256, filename) of every file a signed version of the return lists."""
    return {
        (pledge["number"], file["sha256"], file["filename"])
        for submission in quarterly_return.submissions
        for pledge in submission.document.get("pledges", [])
        for file in pledge.get("evidence", [])
    }


def in_signed_version(quarterly_return: QuarterlyReturn, evidence: EvidenceFile) -> bool:
    return (evidence.pledge_number, evidence.sha256, evidence.filename) in signed_evidence_keys(quarterly_return)


def evidence_for_viewer(
    session: Session, viewer: User, quarterly_return: QuarterlyReturn, file_id: int
) -> EvidenceFile | None:
    """The file if the viewer, who may see the return, may download it: the organisation's own people
    any file attached now or listed in a signed version; LA contacts, escalation officers and admins
    only files a signed version lists (a draft is the provider's until it is signed)."""
    evidence = session.get(EvidenceFile, file_id)
    if evidence is None or evidence.return_id != quarterly_return.id:
        return None
    if viewer.role == Role.PROVIDER and viewer.organisation_id == quarterly_return.organisation_id:
        if evidence.removed_at is None or in_signed_version(quarterly_return, evidence):
            return evidence
        return None
    return evidence if in_signed_version(quarterly_return, evidence) else None


def signed_files_by_key(
    session: Session, quarterly_return: QuarterlyReturn
) -> dict[tuple[int, str, str], EvidenceFile]:
    """The stored file for each (pledge number, sha256, filename) signed versions list, to link to."""
    keys = signed_evidence_keys(quarterly_return)
    files = session.scalars(
        select(EvidenceFile).where(EvidenceFile.return_id == quarterly_return.id).order_by(EvidenceFile.id)
    )
    found: dict[tuple[int, str, str], EvidenceFile] = {}
    for evidence in files:
        key = (evidence.pledge_number, evidence.sha256, evidence.filename)
        if key in keys:
            found.setdefault(key, evidence)
    return found
