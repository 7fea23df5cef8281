"""`ledger verify` re-hashes every evidence file a signed return lists, against its recorded hash
and the hash the return's signed document lists, and names the return and the file."""

import sqlalchemy as sa
import pytest
from flask import current_app

from covenant_portal.returns.evidence import service as evidence
from covenant_portal.returns.models import EvidenceFile
from covenant_portal.audit.service import SYSTEM
from tests.returns import evidence_files as files
from tests.returns.helpers import filled_return, period_of, sign_again, signed_organisation
from tests.returns.test_evidence import NOW
from tests.signing.helpers import allow_tampering, run_ledger


@pytest.fixture
def signed_with_evidence(app, db_session, tmp_path):
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    signed = signed_organisation(db_session)
    quarterly_return = filled_return(db_session, signed, period_of(db_session))
    kept = evidence.add_evidence(
        db_session,
        evidence.evidence_dir(current_app.config, current_app.instance_path),
        quarterly_return,
        2,
        "policy.pdf",
        files.PDF,
        signed.user,
        SYSTEM,
        NOW,
    )
    submission = sign_again(db_session, signed, quarterly_return)
    return submission, kept, tmp_path / "evidence" / kept.stored_name


def test_intact_evidence_files_pass(app, signed_with_evidence):
    result = run_ledger(app, "verify")
    assert result.exit_code == 0, result.output


def test_an_evidence_file_changed_on_disk_is_caught(app, signed_with_evidence):
    submission, kept, path = signed_with_evidence
    path.write_bytes(files.PDF + b"% appended later\n")
    result = run_ledger(app, "verify")
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Ledger BROKEN at entry {submission.ledger_seq}: return {submission.return_id} version 1: evidence file "
        f"“policy.pdf” of pledge 2 (evidence_file {kept.id}): the file on disk does not match its recorded sha256."
    )


def test_an_evidence_file_missing_from_disk_is_caught(app, signed_with_evidence):
    _submission, kept, path = signed_with_evidence
    path.unlink()
    result = run_ledger(app, "verify")
    assert result.exit_code == 1
    assert f"(evidence_file {kept.id}): the file is missing from the evidence folder." in result.output


def test_an_evidence_file_s_recorded_hash_changed_is_caught(app, db_session, signed_with_evidence):
    submission, kept, path = signed_with_evidence
    # File and recorded hash changed together: the signed return document still says the old hash.
    path.write_bytes(files.PDF + b"% swapped\n")
    allow_tampering(db_session)
    db_session.execute(sa.update(EvidenceFile).where(EvidenceFile.id == kept.id).values(sha256="a" * 64))
    result = run_ledger(app, "verify")
    assert result.exit_code == 1
    assert (
        f"return {submission.return_id} version 1: evidence file “policy.pdf” of pledge 2 (evidence_file "
        f"{kept.id}): its recorded sha256 differs from the one the signed return document lists."
    ) in result.output
