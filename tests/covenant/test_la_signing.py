"""Each LA signs the covenant too (issue 14, point 2): an LA contact signs the LAs' pledges for their
authority, naming its authorised officer; the signature is a signed record in the ledger, its
receipt verifies with securesystemslib and at /verify, `ledger verify` checks it, a new version asks
the LA to sign again, and the public register shows both sides."""

import copy
import json

import pytest
import sqlalchemy as sa
from flask import current_app
from sqlalchemy import select

from covenant_portal.access import Role
from covenant_portal.audit.models import AuditEvent
from covenant_portal.audit.service import SYSTEM
from covenant_portal.covenant import service
from covenant_portal.db import utcnow
from covenant_portal.mail.links import Links
from covenant_portal.covenant.la_records import PREDICATE_TYPE, check_la_signature, la_pledges_sha256, subject_name_for
from covenant_portal.covenant.models import LaCovenantSignature
from covenant_portal.covenant.service import current_version
from covenant_portal.covenant.service.la_signing import AuthorityAlreadySigned, every_authority_status
from covenant_portal.signing.dsse import b64decode_either
from covenant_portal.signing.models import LedgerEntry
from tests.covenant.helpers import sslib_keys_from_rows, verify_with_securesystemslib
from tests.covenant.la_helpers import sign_for_la
from tests.factories import create_user, local_authority
from tests.page import text_of
from tests.signing.helpers import allow_tampering, run_ledger

SIGN_FORM = {"full_name": "Olu Officer", "job_title": "Director of Children’s Services", "confirm": "y"}


@pytest.fixture
def bury(db_session):
    return create_user(
        db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Bury"), full_name="Bo Bury"
    )


def statement_of(session, signature) -> dict:
    envelope = json.loads(session.get(LedgerEntry, signature.ledger_seq).envelope)
    return json.loads(b64decode_either(envelope["payload"]))


def test_an_la_contact_signs_for_their_authority_and_gets_a_receipt(client_request, db_session, bury):
    client_request.login(bury)
    assert "Sign the covenant for Bury" in client_request.get_page("/dashboard")
    page = client_request.get_page("/la/covenant/sign")
    assert page.h1 == "Sign the covenant for Bury"
    client_request.post("/la/covenant/sign", SIGN_FORM, expected_redirect="la_covenant.signature")
    signature = db_session.scalars(select(LaCovenantSignature)).one()
    assert (signature.local_authority_name, signature.officer_name, signature.signer_id) == (
        "Bury",
        "Olu Officer",
        bury.id,
    )
    assert "Sign the covenant for Bury" not in client_request.get_page("/dashboard")
    receipt = client_request.get(f"/la/covenant/signatures/{signature.id}/receipt").get_data()
    assert receipt == db_session.get(LedgerEntry, signature.ledger_seq).envelope
    statement = verify_with_securesystemslib(receipt, sslib_keys_from_rows(db_session))
    version = current_version(db_session)
    assert statement["predicateType"] == PREDICATE_TYPE == "urn:gm-first:predicate:la-covenant-signature:v1"
    assert statement["subject"] == [
        {"name": subject_name_for(signature.id), "digest": {"sha256": version.document_sha256}}
    ]
    predicate = statement["predicate"]
    assert predicate["authorisedOfficer"] == {"name": "Olu Officer", "jobTitle": "Director of Children’s Services"}
    assert predicate["localAuthority"]["name"] == "Bury"
    assert predicate["covenant"]["laPledgesSha256"] == la_pledges_sha256(version)
    [event] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "la_covenant.signed")).all()
    assert event.object_id == str(signature.id)
    checked = client_request.post("/verify", {"receipt_text": receipt.decode()}, expected_status=200)
    assert "The receipt is valid" in checked.page
    what = {
        text_of(row.select_one(".govuk-summary-list__key")): text_of(row.select_one(".govuk-summary-list__value"))
        for row in checked.page.select(".govuk-summary-list__row")
    }
    assert what["Signed by"].startswith("Bo Bury")
    assert what["Local authority"] == "Bury"
    assert "Organisation" not in what


def test_the_officer_and_the_confirmation_are_required(client_request, db_session, bury):
    client_request.login(bury)
    response = client_request.post("/la/covenant/sign", {"full_name": "Olu Officer"}, expected_status=400)
    assert "Confirm you are authorised to sign for Bury" in response.page.text
    assert "Enter the authorised officer’s job title" in response.page.text
    assert "Enter your" not in response.page.text
    assert 'value="Olu Officer"' in response.page.html
    assert db_session.scalar(select(LaCovenantSignature.id)) is None


def test_a_too_long_officer_name_is_named_as_the_officer_s_and_kept(client_request, db_session, bury):
    client_request.login(bury)
    form = SIGN_FORM | {"full_name": "O" * 201}
    response = client_request.post("/la/covenant/sign", form, expected_status=400)
    assert "The authorised officer’s full name must be 200 characters or fewer" in response.page.text
    assert f'value="{"O" * 201}"' in response.page.html
    assert db_session.scalar(select(LaCovenantSignature.id)) is None


def test_an_authority_signs_each_version_once(db_session, bury):
    first = sign_for_la(db_session, bury)
    with pytest.raises(AuthorityAlreadySigned):
        sign_for_la(db_session, create_user(db_session, Role.LA_CONTACT, local_authority=bury.local_authority))
    assert first.covenant_version == current_version(db_session)


def test_providers_cannot_sign_for_an_la(client_request, db_session):
    client_request.login(create_user(db_session, Role.PROVIDER))
    client_request.get("/la/covenant/sign", expected_status=403)


def test_ledger_verify_checks_la_signatures_and_names_a_tampered_one(app, db_session, bury):
    signature = sign_for_la(db_session, bury)
    result = run_ledger(app, "verify")
    assert result.exit_code == 0, result.output
    assert check_la_signature(db_session, subject_name_for(signature.id), statement_of(db_session, signature)) is None
    allow_tampering(db_session)
    db_session.execute(
        sa.update(LaCovenantSignature).where(LaCovenantSignature.id == signature.id).values(officer_name="Someone Else")
    )
    db_session.expire_all()
    result = run_ledger(app, "verify")
    assert result.exit_code == 1, result.output
    assert f"la_covenant_signature {signature.id} officer_name differs from the signed record" in result.output


def test_a_statement_about_another_authority_is_refused(db_session, bury):
    signature = sign_for_la(db_session, bury)
    statement = copy.deepcopy(statement_of(db_session, signature))
    statement["predicate"]["localAuthority"]["name"] = "Bolton"
    problem = check_la_signature(db_session, subject_name_for(signature.id), statement)
    assert problem == f"la_covenant_signature {signature.id} local_authority_name differs from the signed record"
    assert check_la_signature(db_session, subject_name_for(2_000_000_000), statement) is not None


def test_the_register_shows_both_sides(client_request, db_session, bury):
    sign_for_la(db_session, bury)
    page = client_request.get_page("/signatories")
    assert "1 of 10 local authorities have signed the current version" in page
    rows = {row.select("th, td")[0].get_text(strip=True): row.get_text(" ", strip=True) for row in page.select("tr")}
    assert "Signed version 1" in rows["Bury"]
    assert "Not signed" in rows["Bolton"]
    statuses = {status.authority.name: status.description for status in every_authority_status(db_session)}
    assert len(statuses) == 10 and statuses["Bury"] == "Signed version 1"


def test_a_new_version_asks_the_authority_to_sign_again(client_request, db_session, bury):
    sign_for_la(db_session, bury)
    admin = create_user(db_session, Role.ADMIN)
    wording = service.wording_of(current_version(db_session).document)
    wording.pledges[0] = ("Work to keep children close to home.", wording.pledges[0][1])
    draft = service.draft_version(db_session, wording, admin, SYSTEM, utcnow())
    service.publish_version(db_session, Links.from_app(current_app), draft, SYSTEM, utcnow())
    statuses = {status.authority.name: status.description for status in every_authority_status(db_session)}
    assert statuses["Bury"] == "Signed version 1, re-signing needed"
    client_request.login(bury)
    assert "Sign the covenant for Bury" in client_request.get_page("/dashboard")
    second = sign_for_la(db_session, bury)
    assert second.covenant_version.number == 2
    assert statement_of(db_session, second)["predicate"]["covenant"]["laPledgesSha256"] == la_pledges_sha256(
        second.covenant_version
    )
    assert "Sign the covenant for Bury" not in client_request.get_page("/dashboard")
