"""The signed receipt: exactly the ledger's envelope, verifiable with securesystemslib, and shown
only to the people who may see it."""

import base64
import json

import pytest
from securesystemslib.exceptions import VerificationError

from covenant_portal.access import Role
from covenant_portal.signing.references import receipt_reference
from covenant_portal.signing.models import LedgerEntry
from tests.covenant.helpers import sign_current_version, sslib_keys_from_rows, verify_with_securesystemslib
from tests.factories import create_user


@pytest.fixture
def signature(db_session):
    return sign_current_version(db_session, create_user(db_session, Role.PROVIDER))


def download(client_request, signature, expected_status=200, expected_redirect=None):
    return client_request.get(
        f"/covenant/signatures/{signature.id}/receipt",
        expected_status=expected_status,
        expected_redirect=expected_redirect,
    )


def test_the_receipt_is_the_ledger_envelope_byte_for_byte(client_request, db_session, signature):
    client_request.login(signature.signer)
    response = download(client_request, signature)
    assert response.mimetype == "application/json"
    reference = receipt_reference(signature.ledger_seq)
    assert response.headers["Content-Disposition"] == f'attachment; filename="gm-first-receipt-{reference}.json"'
    assert response.get_data() == db_session.get(LedgerEntry, signature.ledger_seq).envelope


def test_the_receipt_verifies_with_securesystemslib(client_request, db_session, signature):
    client_request.login(signature.signer)
    receipt = download(client_request, signature).get_data()
    statement = verify_with_securesystemslib(receipt, sslib_keys_from_rows(db_session))
    assert statement["subject"][0]["name"] == f"urn:gm-first:covenant-signature:{signature.id}"
    assert statement["subject"][0]["digest"]["sha256"] == signature.covenant_version.document_sha256
    assert statement["predicate"]["signer"]["name"] == signature.signer_name


def test_a_changed_receipt_does_not_verify_with_securesystemslib(client_request, db_session, signature):
    client_request.login(signature.signer)
    envelope = json.loads(download(client_request, signature).get_data())
    payload = json.loads(base64.b64decode(envelope["payload"]))
    payload["predicate"]["signer"]["name"] = "Somebody Else"
    envelope["payload"] = base64.b64encode(json.dumps(payload).encode()).decode()
    with pytest.raises(VerificationError):
        verify_with_securesystemslib(json.dumps(envelope).encode(), sslib_keys_from_rows(db_session))


def test_everyone_in_the_organisation_sees_its_receipt(client_request, db_session, signature):
    colleague = create_user(db_session, Role.PROVIDER, organisation=signature.organisation, is_organisation_admin=False)
    client_request.login(colleague)
    html = client_request.get(f"/covenant/signatures/{signature.id}").get_data(as_text=True)
    assert receipt_reference(signature.ledger_seq) in html
    assert "Your receipt reference" in html and "Your signed receipt" in html
    download(client_request, signature)


@pytest.mark.parametrize("role", [Role.LA_CONTACT, Role.ESCALATION_OFFICER, Role.ADMIN])
def test_those_who_oversee_the_covenant_see_any_receipt(client_request, db_session, signature, role):
    client_request.login(create_user(db_session, role))
    html = client_request.get(f"/covenant/signatures/{signature.id}").get_data(as_text=True)
    assert signature.organisation.name in html
    assert "We have emailed the receipt reference" not in html
    # Someone else's signature: named as the organisation's, never "Your receipt".
    assert f'<h1 class="govuk-heading-l">Covenant signature of {signature.organisation.name}</h1>' in html
    assert "Your receipt reference" not in html and "Your signed receipt" not in html
    download(client_request, signature)


def test_another_organisation_cannot_see_the_receipt(client_request, db_session, signature):
    client_request.login(create_user(db_session, Role.PROVIDER))
    client_request.get(f"/covenant/signatures/{signature.id}", expected_status=404)
    download(client_request, signature, expected_status=404)


def test_nobody_signed_out_sees_a_receipt(client_request, signature):
    assert download(
        client_request, signature, expected_status=302, expected_redirect="accounts.login"
    ).location.startswith("/sign-in")
