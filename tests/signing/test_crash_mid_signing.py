"""A web server killed (SIGKILL) in the middle of signing leaves each record whole or absent.

The portal runs as a process of its own (`flask run`) with FLASK_CRASH_POINTS_FOR_TESTS naming one
point; a signer signs in and signs through its pages, and the process kills itself at that point.
Then: the record (its row, its ledger entry, its audit event, its emails in the outbox, and for a
return its answers as rows and its cleared draft) is all there or none of it is, `ledger verify`
passes, and the signer can sign (again) on a portal started afresh.
"""
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from covenant_portal import create_app
from covenant_portal.access import Role
from covenant_portal.audit.models import AuditEvent
from covenant_portal.config import ConfigurationError
from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.covenant.records import COVENANT_SIGNATURE
from covenant_portal.covenant.records import subject_name_for as covenant_subject
from covenant_portal.covenant.service import current_version
from covenant_portal.db import get_session
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.returns.models import PledgeAnswer, QuarterlyReturn, ReturnSubmission
from covenant_portal.returns.submission.records import ATTESTATION_RETURN
from covenant_portal.returns.submission.records import subject_name_for as return_subject
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.signing.service import verify_ledger
from tests.conftest import TEST_SIGNING_KEY_FILE
from tests.contacts.contacts import create_contact
from tests.factories import PASSWORD, create_user
from tests.jobs.processes import flask_environment, run_flask
from tests.returns.helpers import filled_return, signed_organisation
from tests.signing.live_portal import ConnectionDropped, LivePortal

# Where each point is, and whether the record is kept when the process dies there.
POINTS = {
    "seal.before_append": False,  # signed, about to be added to the ledger
    "seal.appended": False,  # in the ledger (not committed)
    "before_commit": False,  # row, ledger entry, audit event and emails written, not committed
    "committed": True,  # committed, the answer not yet sent
}


def portal_environment(database_url: str, **settings: str) -> dict[str, str]:
    return flask_environment(database_url, FLASK_SIGNING_KEY_FILE=str(TEST_SIGNING_KEY_FILE), **settings)


def crash_at(database_url: str, point: str, sign) -> None:
    """Serves the portal armed at `point`, has `sign(browser)` post the signing form, and checks
    that the server died of SIGKILL without answering."""
    portal = LivePortal(portal_environment(database_url, FLASK_CRASH_POINTS_FOR_TESTS=point))
    try:
        with pytest.raises(ConnectionDropped):
            sign(portal.browser())
        return_code = portal.wait()
    finally:
        portal.stop()
    assert return_code == -9, portal.process.output


def assert_ledger_verifies(app, entries: int) -> None:
    with app.app_context():
        result = verify_ledger(get_session(), workers=0)
    assert (result.ok, result.entries) == (True, entries), result.problem


def assert_ledger_verify_passes(database_url: str, entries: int) -> None:
    """`flask ledger verify`, as an operator runs it."""
    verified = run_flask(portal_environment(database_url), "ledger", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith(f"Ledger OK: {entries} entries, head ")


def ledger_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(LedgerEntry))


# The covenant


def covenant_signer(app) -> dict:
    with app.app_context():
        session = get_session()
        user = create_user(session, Role.PROVIDER)
        create_contact(session, user.organisation)
        session.commit()
        return {"email": user.email, "user_id": user.id, "organisation_id": user.organisation_id,
                "version": current_version(session).number, "full_name": user.full_name}


def sign_covenant(signer: dict):
    def sign(browser):
        browser.sign_in(signer["email"], PASSWORD)
        return browser.submit("/covenant/sign", {
            "confirm": "y", "full_name": signer["full_name"], "job_title": "Director",
            "version_number": str(signer["version"]),
        })
    return sign


def covenant_records(app, signer: dict) -> dict:
    with Session(app.extensions["db"].engine) as session:
        signatures = session.scalars(
            select(CovenantSignature).where(CovenantSignature.organisation_id == signer["organisation_id"])
        ).all()
        return {
            "rows": [(signature.id, signature.ledger_seq) for signature in signatures],
            "ledger": [(entry.seq, entry.subject) for entry in session.scalars(
                select(LedgerEntry).where(LedgerEntry.kind == COVENANT_SIGNATURE.kind))],
            "audit": [(event.object_id, event.details["ledger_seq"]) for event in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "covenant.signed"))],
            "emails": session.scalars(
                select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("covenant-signed:%"))).all(),
            "ledger_size": ledger_size(session),
        }


def whole_signature(records: dict, signer: dict) -> None:
    [(signature_id, seq)] = records["rows"]
    assert records["ledger"] == [(seq, covenant_subject(signature_id))]
    assert records["audit"] == [(str(signature_id), seq)]
    assert records["emails"] == [f"covenant-signed:{signature_id}:{signer['user_id']}"]
    assert records["ledger_size"] == 1


NO_SIGNATURE = {"rows": [], "ledger": [], "audit": [], "emails": [], "ledger_size": 0}


@pytest.mark.parametrize("point", POINTS)
def test_a_crash_signing_the_covenant_leaves_the_signature_whole_or_absent(committed_app, database_url, point):
    signer = covenant_signer(committed_app)
    armed = point if point.startswith("seal.") else f"covenant.{point}"

    crash_at(database_url, armed, sign_covenant(signer))

    records = covenant_records(committed_app, signer)
    if POINTS[point]:
        whole_signature(records, signer)
    else:
        assert records == NO_SIGNATURE
    assert_ledger_verifies(committed_app, records["ledger_size"])

    portal = LivePortal(portal_environment(database_url))
    try:
        browser = portal.browser()
        if POINTS[point]:
            browser.sign_in(signer["email"], PASSWORD)
            status, location, _ = browser.request("/covenant/sign")  # already signed: its receipt
        else:
            status, location, _ = sign_covenant(signer)(browser)
    finally:
        portal.stop()

    records = covenant_records(committed_app, signer)
    whole_signature(records, signer)
    [(signature_id, _seq)] = records["rows"]
    assert (status, location) == (302, f"/covenant/signatures/{signature_id}")
    assert_ledger_verify_passes(database_url, entries=1)


# Quarterly returns


def return_signer(app) -> dict:
    with app.app_context():
        session = get_session()
        signed = signed_organisation(session)  # its covenant signature is ledger entry 1
        quarterly_return = filled_return(session, signed)
        session.commit()
        return {"email": signed.user.email, "user_id": signed.user.id, "return_id": quarterly_return.id,
                "full_name": signed.user.full_name}


def sign_return(signer: dict):
    def sign(browser):
        browser.sign_in(signer["email"], PASSWORD)
        return browser.submit(f"/returns/{signer['return_id']}/sign", {
            "confirm": "y", "full_name": signer["full_name"], "job_title": "Director", "draft_lock": "1",
        })
    return sign


def return_records(app, signer: dict) -> dict:
    with Session(app.extensions["db"].engine) as session:
        quarterly_return = session.get(QuarterlyReturn, signer["return_id"])
        submissions = session.scalars(
            select(ReturnSubmission).where(ReturnSubmission.return_id == quarterly_return.id)
        ).all()
        return {
            "rows": [(submission.id, submission.ledger_seq) for submission in submissions],
            "answers": session.scalar(select(func.count()).select_from(PledgeAnswer)),
            "draft_open": quarterly_return.draft is not None,
            "ledger": [(entry.seq, entry.subject) for entry in session.scalars(
                select(LedgerEntry).where(LedgerEntry.kind == ATTESTATION_RETURN.kind))],
            "audit": [(event.object_id, event.details["ledger_seq"]) for event in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "attestation.signed"))],
            "emails": session.scalars(
                select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("return-signed:%"))).all(),
            "ledger_size": ledger_size(session),
        }


def whole_submission(records: dict, signer: dict) -> None:
    [(submission_id, seq)] = records["rows"]
    assert records["ledger"] == [(seq, return_subject(submission_id))]
    assert records["audit"] == [(str(submission_id), seq)]
    assert records["emails"] == [f"return-signed:{submission_id}:{signer['user_id']}"]
    assert records["answers"] > 0 and not records["draft_open"]
    assert records["ledger_size"] == 2


NO_SUBMISSION = {"rows": [], "answers": 0, "draft_open": True, "ledger": [], "audit": [], "emails": [],
                 "ledger_size": 1}


@pytest.mark.parametrize("point", POINTS)
def test_a_crash_signing_a_return_leaves_the_submission_whole_or_absent(committed_app, database_url, point):
    signer = return_signer(committed_app)
    armed = point if point.startswith("seal.") else f"return.{point}"

    crash_at(database_url, armed, sign_return(signer))

    records = return_records(committed_app, signer)
    if POINTS[point]:
        whole_submission(records, signer)
    else:
        assert records == NO_SUBMISSION  # and the draft is kept, to be signed again
    assert_ledger_verifies(committed_app, records["ledger_size"])

    portal = LivePortal(portal_environment(database_url))
    try:
        browser = portal.browser()
        if POINTS[point]:
            browser.sign_in(signer["email"], PASSWORD)
            status, location, _ = browser.request(f"/returns/{signer['return_id']}/sign")  # signed: shown
        else:
            status, location, _ = sign_return(signer)(browser)
    finally:
        portal.stop()

    whole_submission(return_records(committed_app, signer), signer)
    assert status == 302 and location.startswith(f"/returns/{signer['return_id']}/submissions/1")
    assert_ledger_verify_passes(database_url, entries=2)


def test_crash_points_are_refused_in_production(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_CRASH_POINTS_FOR_TESTS", "covenant.before_commit")
    monkeypatch.setenv("FLASK_ENV_NAME", "production")
    monkeypatch.setenv("FLASK_SECRET_KEY", "9f2c" * 16)
    monkeypatch.setenv("FLASK_SIGNING_KEY_FILE", str(TEST_SIGNING_KEY_FILE))
    with pytest.raises(ConfigurationError, match="FLASK_CRASH_POINTS_FOR_TESTS .* for tests only"):
        create_app(instance_path=tmp_path)
