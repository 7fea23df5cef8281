"""`ledger verify`'s check of quarterly returns' evidence files (the attestation-return kind's
check_files): every file a signed return lists is re-hashed on disk and compared with its recorded
hash (evidence_file.sha256) and with the hash the return's signed document lists for it."""

import hashlib
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.returns.evidence.service import evidence_dir
from covenant_portal.returns.models import ReturnSubmission, EvidenceFile

SUBJECT_PREFIX = "urn:gm-first:attestation-return:"


def check_evidence_files(session: Session, app: Flask, records: list[tuple[str, dict]]) -> list[str | None]:
    """For each (subject name, Statement) of a sound attestation-return entry, the first evidence
    file that does not match, named with its return, or None. Each file is read once."""
    ids = [_submission_id(subject) for subject, _statement in records]
    submissions = {
        row.id: row
        for row in session.execute(
            select(ReturnSubmission.id, ReturnSubmission.return_id, ReturnSubmission.document).where(
                ReturnSubmission.id.in_([i for i in ids if i is not None])
            )
        )
    }
    files: dict[int, list] = {}
    for evidence in session.execute(
        select(
            EvidenceFile.id,
            EvidenceFile.return_id,
            EvidenceFile.pledge_number,
            EvidenceFile.filename,
            EvidenceFile.stored_name,
            EvidenceFile.sha256,
        )
        .where(EvidenceFile.return_id.in_({row.return_id for row in submissions.values()}))
        .order_by(EvidenceFile.id)
    ):
        files.setdefault(evidence.return_id, []).append(evidence)
    directory, hashed = evidence_dir(app.config, app.instance_path), {}
    return [
        _problem(submissions[i], files.get(submissions[i].return_id, []), directory, hashed)
        if i in submissions
        else None
        for i in ids
    ]


def _submission_id(subject: str) -> int | None:
    rest = subject.removeprefix(SUBJECT_PREFIX)
    return int(rest) if subject.startswith(SUBJECT_PREFIX) and rest.isdigit() else None


def _problem(submission, stored: list, directory: Path, hashed: dict[str, str | None]) -> str | None:
    document = submission.document if isinstance(submission.document, dict) else {}
    for pledge in document.get("pledges") or []:
        for listed in pledge.get("evidence") or []:
            label = (
                f"return {submission.return_id} version {document.get('version')}: evidence file "
                f"“{listed.get('filename')}” of pledge {pledge.get('number')}"
            )
            candidates = [
                row
                for row in stored
                if row.pledge_number == pledge.get("number") and row.filename == listed.get("filename")
            ]
            if not candidates:
                return f"{label} has no evidence_file row"
            row = next((row for row in candidates if row.sha256 == listed.get("sha256")), None)
            if row is None:
                return (
                    f"{label} (evidence_file {candidates[0].id}): its recorded sha256 differs from the one the "
                    "signed return document lists"
                )
            on_disk = _hash_of(directory, row.stored_name, hashed)
            if on_disk is None:
                return f"{label} (evidence_file {row.id}): the file is missing from the evidence folder"
            if on_disk != row.sha256:
                return f"{label} (evidence_file {row.id}): the file on disk does not match its recorded sha256"
    return None


def _hash_of(directory: Path, stored_name: str, hashed: dict[str, str | None]) -> str | None:
    if stored_name not in hashed:
        digest = hashlib.sha256()
        try:
            with open(directory / Path(stored_name).name, "rb") as handle:
                for block in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(block)
            hashed[stored_name] = digest.hexdigest()
        except OSError:
            hashed[stored_name] = None
    return hashed[stored_name]
