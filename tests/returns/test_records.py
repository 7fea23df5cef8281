"""check_returns: a signed return's stored records must still say what was signed; `ledger verify`
names the entry of one that does not."""

import copy
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event, select

from covenant_portal.returns.submission import service as submission
from covenant_portal.returns.models import (
    QuarterlyReturn,
    ReturnSubmission,
    GmPlacement,
    HomeOccupancy,
    PledgeAnswer,
    PledgeStatus,
)
from covenant_portal.returns.submission.records import (
    ATTESTATION_RETURN,
    check_return,
    check_returns,
    subject_name_for,
)
from covenant_portal.audit.service import SYSTEM
from covenant_portal.signing.records import record_kinds
from tests.returns.helpers import filled_return, period_of, signed_organisation
from tests.factories import create_provider
from tests.signing.helpers import allow_tampering, run_ledger, statement_in
from covenant_portal.signing.models import LedgerEntry
from covenant_portal.mail.links import Links

NOW = datetime(2026, 7, 10, 9, 30, tzinfo=UTC)


def sign(session, signed, quarterly_return, now=NOW):
    signing = submission.ReturnSigning("Amira Khan", "Director", quarterly_return.draft_lock)
    return submission.sign_return(
        session,
        Links.from_app(current_app),
        current_app.extensions["signing_key"],
        signed.user,
        quarterly_return,
        signing,
        SYSTEM,
        now,
    )


@pytest.fixture
def signed(db_session):
    return signed_organisation(db_session)


@pytest.fixture
def signed_return(db_session, signed):
    return sign(db_session, signed, filled_return(db_session, signed, period_of(db_session)))


def check(session, found: ReturnSubmission):
    session.flush()
    session.expire_all()
    statement = statement_in(session.get(LedgerEntry, found.ledger_seq).envelope)
    return check_return(session, subject_name_for(found.id), statement)


def test_the_record_kind_is_registered(app):
    assert ATTESTATION_RETURN.kind == "attestation-return"
    assert ATTESTATION_RETURN.predicate_type == "urn:gm-first:predicate:attestation-return:v1"
    assert record_kinds(app)["attestation-return"] is ATTESTATION_RETURN
    assert ATTESTATION_RETURN.check_records is check_returns


def test_an_untouched_return_and_its_correction_match_their_signed_records(db_session, signed, signed_return, app):
    quarterly_return = signed_return.quarterly_return
    submission.start_correction(db_session, quarterly_return, signed.user, SYSTEM, NOW)
    correction = sign(db_session, signed, quarterly_return)
    assert check(db_session, signed_return) is None
    assert check(db_session, correction) is None
    result = run_ledger(app, "verify")
    assert result.exit_code == 0, result.output


def test_renaming_the_organisation_later_is_not_a_change_to_the_signed_record(db_session, signed, signed_return):
    signed.organisation.name = "Renamed Homes Ltd"
    assert check(db_session, signed_return) is None


def tamper(session, table, where, **values):
    allow_tampering(session)
    session.execute(sa.update(table.__table__).where(where).values(**values))
    session.expire_all()


def test_a_changed_stored_document_breaks_the_ledger_at_its_entry(db_session, signed_return, app):
    document = copy.deepcopy(signed_return.document)
    document["pledges"][0]["status"] = "met"
    tamper(db_session, ReturnSubmission, ReturnSubmission.id == signed_return.id, document=document)

    problem = f"attestation_submission {signed_return.id} document differs from its document_sha256"
    assert check(db_session, signed_return) == problem
    result = run_ledger(app, "verify")
    assert result.exit_code == 1
    assert f"Ledger BROKEN at entry {signed_return.ledger_seq}: {problem}" in result.output


def test_a_document_rehashed_after_a_change_still_differs_from_the_signed_digest(db_session, signed_return):
    from covenant_portal.signing.canonical import canonical_sha256

    document = copy.deepcopy(signed_return.document)
    document["occupancy"][0]["vacantPlaces"] = 0
    tamper(
        db_session,
        ReturnSubmission,
        ReturnSubmission.id == signed_return.id,
        document=document,
        document_sha256=canonical_sha256(document),
    )
    assert check(db_session, signed_return) == (
        f"attestation_submission {signed_return.id} document_sha256 differs from the signed subject digest"
    )


def test_a_changed_pledge_answer_row_breaks_the_ledger_at_its_entry(db_session, signed_return, app):
    tamper(
        db_session,
        PledgeAnswer,
        (PledgeAnswer.submission_id == signed_return.id) & (PledgeAnswer.pledge_number == 3),
        status=PledgeStatus.MET,
    )

    problem = f"attestation_submission {signed_return.id} pledge_answer for pledge 3 differs from the signed document"
    assert check(db_session, signed_return) == problem
    result = run_ledger(app, "verify")
    assert result.exit_code == 1
    assert f"Ledger BROKEN at entry {signed_return.ledger_seq}: {problem}" in result.output


def test_a_deleted_pledge_answer_row_is_named(db_session, signed_return):
    allow_tampering(db_session)
    db_session.execute(
        sa.delete(PledgeAnswer.__table__).where(
            (PledgeAnswer.submission_id == signed_return.id) & (PledgeAnswer.pledge_number == 11)
        )
    )
    assert check(db_session, signed_return) == (
        f"attestation_submission {signed_return.id} pledge_answer for pledge 11 differs from the signed document"
    )


def test_changed_occupancy_and_placement_rows_are_named(db_session, signed_return):
    occupancy = db_session.scalars(
        select(HomeOccupancy).where(HomeOccupancy.submission_id == signed_return.id).order_by(HomeOccupancy.home_id)
    ).first()
    home_id, occupancy_id = occupancy.home_id, occupancy.id
    tamper(db_session, GmPlacement, GmPlacement.occupancy_id == occupancy_id, children=3)
    assert check(db_session, signed_return) == (
        f"attestation_submission {signed_return.id} gm_placement for home {home_id} differs from the signed document"
    )
    tamper(db_session, GmPlacement, GmPlacement.occupancy_id == occupancy_id, children=1)
    tamper(db_session, HomeOccupancy, HomeOccupancy.id == occupancy_id, registered_places=9)
    assert check(db_session, signed_return) == (
        f"attestation_submission {signed_return.id} home_occupancy for home {home_id} differs from the signed document"
    )


@pytest.mark.parametrize(
    "field, value, problem",
    [
        ("signer_name", "Mallory", "signer_name differs from the signed record"),
        ("signer_email", "mallory@example.org", "signer_email differs from the signed record"),
        ("declaration", "I confirm nothing.", "declaration differs from the signed record"),
    ],
)
def test_a_changed_submission_row_is_named(db_session, signed_return, field, value, problem):
    tamper(db_session, ReturnSubmission, ReturnSubmission.id == signed_return.id, **{field: value})
    assert check(db_session, signed_return) == f"attestation_submission {signed_return.id} {problem}"


def test_a_return_moved_to_another_organisation_is_named(db_session, signed_return):
    other = create_provider(db_session)
    tamper(db_session, QuarterlyReturn, QuarterlyReturn.id == signed_return.return_id, organisation_id=other.id)
    assert check(db_session, signed_return) == (
        f"attestation_submission {signed_return.id} attestation_return organisation_id differs from the signed record"
    )


def test_a_subject_naming_no_submission_is_a_problem(db_session, signed_return):
    statement = statement_in(db_session.get(LedgerEntry, signed_return.ledger_seq).envelope)
    assert check_return(db_session, subject_name_for(999_999), statement) == (
        "urn:gm-first:attestation-return:999999 names no attestation return submission in the database"
    )


def test_a_page_of_records_is_checked_in_a_few_queries(db_session):
    def sign_some(count: int) -> list[tuple[str, dict]]:
        records = []
        for _ in range(count):
            signed = signed_organisation(db_session)
            found = sign(db_session, signed, filled_return(db_session, signed, period_of(db_session)))
            statement = statement_in(db_session.get(LedgerEntry, found.ledger_seq).envelope)
            records.append((subject_name_for(found.id), statement))
        return records

    def queries_to_check(records) -> int:
        db_session.expire_all()
        executed = []

        def count(*_args):
            executed.append(1)

        engine = db_session.get_bind().engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert check_returns(db_session, records) == [None] * len(records)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(executed)

    one, four = sign_some(1), sign_some(4)
    assert queries_to_check(one + four) == queries_to_check(one) <= 5
