"""A web server killed (SIGKILL) in the middle of signing leaves each record whole or absent.

The portal runs as a process of its own (`flask run`) with FLASK_CRASH_POINTS_FOR_TESTS naming one
point; a signer signs in and signs through its pages, and the process kills itself at that point.
Then: the record (its row, its ledger entry, its audit event, its emails in the outbox, and for a
return its answers as rows and its cleared draft) is all there or none of it is, `ledger verify`
passes, and the signer can sign (again) on a portal started afresh.
"""

from collections.abc import Callable
from dataclasses import dataclass

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
from covenant_portal.signing.records import record_kinds
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
        result = verify_ledger(get_session(), record_kinds(), workers=0)
    assert (result.ok, result.entries) == (True, entries), result.problem


def assert_ledger_verify_passes(database_url: str, entries: int) -> None:
    """`flask ledger verify`, as an operator runs it."""
    verified = run_flask(portal_environment(database_url), "ledger", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith(f"Ledger OK: {entries} entries, head ")


def ledger_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(LedgerEntry))


def signed_record_parts(session: Session, kind: str, action: str, email_prefix: str) -> dict:
    """What any signed record has besides its own row: ledger entries, audit events, emails."""
    return {
        "ledger": [
            (entry.seq, entry.subject) for entry in session.scalars(select(LedgerEntry).where(LedgerEntry.kind == kind))
        ],
        "audit": [
            (event.object_id, event.details["ledger_seq"])
            for event in session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        ],
        "emails": session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like(f"{email_prefix}:%"))
        ).all(),
        "ledger_size": ledger_size(session),
    }


def assert_whole_parts(records: dict, subject: str, email_prefix: str, user_id: int, ledger_size: int) -> None:
    [(record_id, seq)] = records["rows"]
    assert records["ledger"] == [(seq, subject)]
    assert records["audit"] == [(str(record_id), seq)]
    assert records["emails"] == [f"{email_prefix}:{record_id}:{user_id}"]
    assert records["ledger_size"] == ledger_size


@dataclass
class Signable:
    """One kind of signing, as the crash test drives and checks it."""

    area: str  # the prefix of its own crash points
    sign: Callable  # (browser) -> the answer to posting the signing form
    sign_page: str
    records: Callable[[], dict]
    assert_whole: Callable[[dict], None]
    absent: dict
    signed_location: Callable[[dict], str]  # where the sign page sends someone once it is signed
    ledger_size_when_whole: int


def crash_then_sign_again(committed_app, database_url: str, point: str, signable: Signable, signer: dict):
    crash_at(database_url, point if point.startswith("seal.") else f"{signable.area}.{point}", signable.sign)

    records = signable.records()
    if POINTS[point]:
        signable.assert_whole(records)
    else:
        assert records == signable.absent
    assert_ledger_verifies(committed_app, records["ledger_size"])

    portal = LivePortal(portal_environment(database_url))
    try:
        browser = portal.browser()
        if POINTS[point]:
            browser.sign_in(signer["email"], PASSWORD)
            status, location, _ = browser.request(signable.sign_page)  # signed already: shown
        else:
            status, location, _ = signable.sign(browser)
    finally:
        portal.stop()

    records = signable.records()
    signable.assert_whole(records)
    assert (status, location.partition("?")[0]) == (302, signable.signed_location(records))
    assert_ledger_verify_passes(database_url, entries=signable.ledger_size_when_whole)


# The covenant


def covenant_signer(app) -> dict:
    with app.app_context():
        session = get_session()
        user = create_user(session, Role.PROVIDER)
        create_contact(session, user.organisation)
        session.commit()
        return {
            "email": user.email,
            "user_id": user.id,
            "organisation_id": user.organisation_id,
            "version": current_version(session).number,
            "full_name": user.full_name,
        }


def covenant_signing(app, signer: dict) -> Signable:
    def sign(browser):
        browser.sign_in(signer["email"], PASSWORD)
        return browser.submit(
            "/covenant/sign",
            {
                "confirm": "y",
                "full_name": signer["full_name"],
                "job_title": "Director",
                "version_number": str(signer["version"]),
            },
        )

    def records() -> dict:
        with Session(app.extensions["db"].engine) as session:
            signatures = session.scalars(
                select(CovenantSignature).where(CovenantSignature.organisation_id == signer["organisation_id"])
            ).all()
            return {
                "rows": [(signature.id, signature.ledger_seq) for signature in signatures],
                **signed_record_parts(session, COVENANT_SIGNATURE.kind, "covenant.signed", "covenant-signed"),
            }

    def assert_whole(found: dict) -> None:
        [(signature_id, _seq)] = found["rows"]
        assert_whole_parts(found, covenant_subject(signature_id), "covenant-signed", signer["user_id"], 1)

    return Signable(
        "covenant",
        sign,
        "/covenant/sign",
        records,
        assert_whole,
        absent={"rows": [], "ledger": [], "audit": [], "emails": [], "ledger_size": 0},
        signed_location=lambda found: f"/covenant/signatures/{found['rows'][0][0]}",
        ledger_size_when_whole=1,
    )


@pytest.mark.parametrize("point", POINTS)
def test_a_crash_signing_the_covenant_leaves_the_signature_whole_or_absent(committed_app, database_url, point):
    signer = covenant_signer(committed_app)
    crash_then_sign_again(committed_app, database_url, point, covenant_signing(committed_app, signer), signer)


# Quarterly returns


def return_signer(app) -> dict:
    with app.app_context():
        session = get_session()
        signed = signed_organisation(session)  # its covenant signature is ledger entry 1
        quarterly_return = filled_return(session, signed)
        session.commit()
        return {
            "email": signed.user.email,
            "user_id": signed.user.id,
            "return_id": quarterly_return.id,
            "full_name": signed.user.full_name,
        }


def return_signing(app, signer: dict) -> Signable:
    sign_page = f"/returns/{signer['return_id']}/sign"  # the form is on check answers; it posts here
    check_page = f"/returns/{signer['return_id']}/check"

    def sign(browser):
        browser.sign_in(signer["email"], PASSWORD)
        return browser.submit(
            sign_page,
            {
                "confirm": "y",
                "full_name": signer["full_name"],
                "job_title": "Director",
                "draft_lock": "1",
            },
            form_path=check_page,
        )

    def records() -> dict:
        with Session(app.extensions["db"].engine) as session:
            quarterly_return = session.get(QuarterlyReturn, signer["return_id"])
            submissions = session.scalars(
                select(ReturnSubmission).where(ReturnSubmission.return_id == quarterly_return.id)
            ).all()
            return {
                "rows": [(submission.id, submission.ledger_seq) for submission in submissions],
                "answers": session.scalar(select(func.count()).select_from(PledgeAnswer)),
                "draft_open": quarterly_return.draft is not None,
                **signed_record_parts(session, ATTESTATION_RETURN.kind, "attestation.signed", "return-signed"),
            }

    def assert_whole(found: dict) -> None:
        [(submission_id, _seq)] = found["rows"]
        assert_whole_parts(found, return_subject(submission_id), "return-signed", signer["user_id"], 2)
        assert found["answers"] > 0 and not found["draft_open"]

    return Signable(
        "return",
        sign,
        sign_page,
        records,
        assert_whole,
        # Nothing of the submission, and the draft kept, to be signed again.
        absent={
            "rows": [],
            "answers": 0,
            "draft_open": True,
            "ledger": [],
            "audit": [],
            "emails": [],
            "ledger_size": 1,
        },
        signed_location=lambda found: f"/returns/{signer['return_id']}/submissions/1",
        ledger_size_when_whole=2,
    )


@pytest.mark.parametrize("point", POINTS)
def test_a_crash_signing_a_return_leaves_the_submission_whole_or_absent(committed_app, database_url, point):
    signer = return_signer(committed_app)
    crash_then_sign_again(committed_app, database_url, point, return_signing(committed_app, signer), signer)


def test_crash_points_are_refused_in_production(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_CRASH_POINTS_FOR_TESTS", "covenant.before_commit")
    monkeypatch.setenv("FLASK_ENV_NAME", "production")
    monkeypatch.setenv("FLASK_SECRET_KEY", "9f2c" * 16)
    monkeypatch.setenv("FLASK_SIGNING_KEY_FILE", str(TEST_SIGNING_KEY_FILE))
    with pytest.raises(ConfigurationError, match=r"FLASK_CRASH_POINTS_FOR_TESTS .* for tests only"):
        create_app(instance_path=tmp_path)
