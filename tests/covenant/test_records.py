"""check_covenant_signature: the stored records must still say what was signed."""

import copy
import json

import pytest

from covenant_portal.access import Role
from covenant_portal.covenant.records import COVENANT_SIGNATURE, check_covenant_signature, subject_name_for
from covenant_portal.signing.canonical import canonical_sha256
from covenant_portal.signing.dsse import b64decode_either
from covenant_portal.signing.models import LedgerEntry
from tests.covenant.helpers import sign_current_version
from tests.factories import create_provider, create_user


@pytest.fixture
def signature(db_session):
    return sign_current_version(db_session, create_user(db_session, Role.PROVIDER))


def signed_statement(session, signature) -> dict:
    envelope = json.loads(session.get(LedgerEntry, signature.ledger_seq).envelope)
    return json.loads(b64decode_either(envelope["payload"]))


def check(session, signature, statement=None):
    session.flush()
    session.expire_all()
    statement = statement or signed_statement(session, signature)
    return check_covenant_signature(session, subject_name_for(signature.id), statement)


def test_the_record_kind_names_the_check():
    assert COVENANT_SIGNATURE.kind == "covenant-signature"
    assert COVENANT_SIGNATURE.predicate_type == "urn:gm-first:predicate:covenant-signature:v1"
    assert COVENANT_SIGNATURE.check_record is check_covenant_signature


def test_an_untouched_signature_matches_its_signed_record(db_session, signature):
    assert check(db_session, signature) is None


def test_renaming_the_organisation_later_is_not_a_change_to_the_signed_record(db_session, signature):
    signature.organisation.name = "Renamed Homes Ltd"
    signature.organisation.charity_number = "7654321"
    assert check(db_session, signature) is None


@pytest.mark.parametrize(
    "field, value, problem",
    [
        ("signer_name", "Mallory", "signer_name differs from the signed record"),
        ("signer_job_title", "Intern", "signer_job_title differs from the signed record"),
        ("signer_email", "mallory@example.org", "signer_email differs from the signed record"),
        ("declaration", "I confirm nothing.", "declaration differs from the signed record"),
    ],
)
def test_a_changed_signature_row_is_named(db_session, signature, field, value, problem):
    setattr(signature, field, value)
    assert check(db_session, signature) == f"covenant_signature {signature.id} {problem}"


def test_a_signature_moved_to_another_organisation_is_named(db_session, signature):
    signature.organisation_id = create_provider(db_session).id
    assert check(db_session, signature) == (
        f"covenant_signature {signature.id} organisation_id differs from the signed record"
    )


def test_a_changed_signing_time_is_named(db_session, signature):
    signature.signed_at = signature.signed_at.replace(year=2020)
    assert check(db_session, signature) == f"covenant_signature {signature.id} signed_at differs from the signed record"


def test_a_changed_covenant_document_is_named(db_session, signature):
    version = signature.covenant_version
    document = copy.deepcopy(version.document)
    document["pledges"][0]["provider_pledge"] = "Nothing much."
    version.document = document
    assert check(db_session, signature) == "covenant_version 1 document differs from its document_sha256"


def test_a_changed_document_with_its_hash_recomputed_is_still_caught(db_session, signature):
    version = signature.covenant_version
    document = copy.deepcopy(version.document)
    document["purpose"] = "Something else."
    version.document = document
    version.document_sha256 = canonical_sha256(document)
    assert check(db_session, signature) == "covenant_version 1 document_sha256 differs from the signed subject digest"


def test_a_changed_version_title_is_named(db_session, signature):
    signature.covenant_version.title = "Another covenant"
    assert check(db_session, signature) == (
        f"covenant_signature {signature.id} covenant version title differs from the signed record"
    )


def test_a_statement_about_another_subject_or_saying_more_is_refused(db_session, signature):
    statement = signed_statement(db_session, signature)
    statement["subject"][0]["name"] = subject_name_for(signature.id + 1)
    assert check(db_session, signature, statement) == f"the statement's subject is not {subject_name_for(signature.id)}"
    statement = signed_statement(db_session, signature)
    statement["predicate"]["signer"]["phone"] = "0161 496 0000"
    assert check(db_session, signature, statement) == (
        f"covenant_signature {signature.id} signer.phone differs from the signed record"
    )


def test_a_subject_with_no_signature_behind_it_is_named(db_session, signature):
    statement = signed_statement(db_session, signature)
    assert check_covenant_signature(db_session, subject_name_for(10**9), statement) == (
        f"{subject_name_for(10**9)} names no covenant signature in the database"
    )
