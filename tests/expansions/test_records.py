"""The two signed records (ledger kinds expansion_proposal and expansion_outcome): their receipts
verify with securesystemslib, and `ledger verify` names the entry of a record altered afterwards."""

import pytest
import sqlalchemy as sa
from flask import current_app

from covenant_portal.expansions.models import ProposalOutcome, ProposalVersion
from covenant_portal.expansions.proposals.records import EXPANSION_PROPOSAL
from covenant_portal.expansions.proposals.submission import receipt_bytes
from covenant_portal.expansions.triage.records import EXPANSION_OUTCOME
from covenant_portal.signing.records import record_kinds
from tests.covenant.helpers import sslib_keys_from_rows, verify_with_securesystemslib
from tests.expansions.helpers import outcome, people, submitted
from tests.signing.helpers import allow_tampering, run_ledger


@pytest.fixture
def signed(db_session):
    who = people(db_session)
    proposal = submitted(db_session, who.provider)
    row = outcome(db_session, who.bury, proposal, "supported_with_conditions", "Two places only.")
    return proposal.latest_version, row


def test_the_kinds_and_predicates_are_the_issues_contracts(app, db_session):
    assert EXPANSION_PROPOSAL.predicate_type == "urn:gm-first:predicate:expansion-proposal:v1"
    assert EXPANSION_OUTCOME.predicate_type == "urn:gm-first:predicate:expansion-outcome:v1"
    assert "expansion" in EXPANSION_PROPOSAL.kind and "expansion" in EXPANSION_OUTCOME.kind
    assert record_kinds(current_app)[EXPANSION_PROPOSAL.kind] is EXPANSION_PROPOSAL
    assert record_kinds(current_app)[EXPANSION_OUTCOME.kind] is EXPANSION_OUTCOME


def test_both_receipts_verify_with_securesystemslib_and_the_outcome_cites_the_proposal(db_session, signed):
    version, row = signed
    keys = sslib_keys_from_rows(db_session)
    proposal_statement = verify_with_securesystemslib(receipt_bytes(db_session, version.ledger_seq), keys)
    outcome_statement = verify_with_securesystemslib(receipt_bytes(db_session, row.ledger_seq), keys)
    assert proposal_statement["predicateType"] == "urn:gm-first:predicate:expansion-proposal:v1"
    assert proposal_statement["subject"][0]["digest"]["sha256"] == version.document_sha256
    assert outcome_statement["predicate"]["proposal"]["documentSha256"] == version.document_sha256
    assert outcome_statement["predicate"]["outcome"]["label"] == "Supported with conditions"


def test_ledger_verify_passes_on_untouched_records(app, signed):
    result = run_ledger(app, "verify")
    assert result.exit_code == 0, result.output


def tamper(session, table, where, **values):
    allow_tampering(session)
    session.execute(sa.update(table).where(where).values(**values))
    session.flush()
    session.expire_all()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("document", "document differs from its document_sha256"),
        ("submitted_by_name", "submitted_by_name differs from the signed record"),
        ("version", "version differs from its signed document"),
    ],
)
def test_ledger_verify_names_an_altered_proposal_version(app, db_session, signed, change, problem):
    version, _row = signed
    values = {
        "document": {**version.document, "answers": {}},
        "submitted_by_name": "Someone Else",
        "version": 7,
    }
    seq = version.ledger_seq
    tamper(db_session, ProposalVersion.__table__, ProposalVersion.id == version.id, **{change: values[change]})
    result = run_ledger(app, "verify")
    assert result.exit_code == 1
    assert f"Ledger BROKEN at entry {seq}: expansion_proposal_version {version.id} {problem}" in result.output


@pytest.mark.parametrize(
    ("change", "value"),
    [("outcome", "supported"), ("details", "No conditions."), ("decided_by_name", "Someone Else")],
)
def test_ledger_verify_names_an_altered_outcome(app, db_session, signed, change, value):
    _version, row = signed
    seq = row.ledger_seq
    tamper(db_session, ProposalOutcome.__table__, ProposalOutcome.id == row.id, **{change: value})
    result = run_ledger(app, "verify")
    assert result.exit_code == 1
    assert f"Ledger BROKEN at entry {seq}: expansion_outcome {row.id}" in result.output
