"""A provider organisation admin reads the covenant and signs it for their organisation."""

import json
import re

import pytest
from sqlalchemy import func, select

from covenant_portal.access import Role
from covenant_portal.audit.models import AuditEvent
from covenant_portal.covenant import service
from covenant_portal.covenant.service import signing as covenant_signing
from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.covenant.records import AUTHENTICATION_METHOD
from covenant_portal.signing.references import receipt_reference
from covenant_portal.db import utcnow
from covenant_portal.signing.canonical import sha256_hex
from covenant_portal.signing.dsse import b64decode_either
from covenant_portal.signing.ledger import rfc3339
from covenant_portal.signing.models import LedgerEntry
from tests.accounts.outbox import emails_to, last_email_to, link_in
from tests.covenant.helpers import create_named_contact, sign_current_version
from tests.factories import create_user


@pytest.fixture
def provider_admin(db_session):
    admin = create_user(db_session, Role.PROVIDER, full_name="Ada Okoro", job_title="Registered manager")
    admin.organisation.name = "Brightwater Children's Homes Ltd"
    admin.organisation.charity_number = "1234567"
    return admin


def sign_form(**changes) -> dict:
    return {"confirm": "y", "full_name": "Ada Okoro", "job_title": "Managing director", "version_number": "1"} | changes


def ledger_size(session) -> int:
    return session.scalar(select(func.count(LedgerEntry.seq)))


@pytest.mark.parametrize("role", list(Role))
def test_anyone_signed_in_reads_each_la_pledge_beside_its_provider_pledge(client_request, db_session, role):
    client_request.login(create_user(db_session, role))
    html = client_request.get("/covenant").get_data(as_text=True)
    document = service.current_version(db_session).document
    assert '<h1 class="govuk-heading-l">GM First: LA and Provider Covenant</h1>' in html
    assert document["purpose"] in html
    for aim in document["aims"]:
        assert aim in html
    for pledge in document["pledges"]:
        la_at, provider_at = html.index(pledge["la_pledge"]), html.rindex(pledge["provider_pledge"])
        assert html.index(f"Pledge {pledge['number']}<") < la_at < provider_at
    assert ("Sign the covenant" in html) == (role == Role.PROVIDER)


def test_colleagues_who_are_not_organisation_admins_read_but_cannot_sign(client_request, db_session, provider_admin):
    colleague = create_user(
        db_session, Role.PROVIDER, organisation=provider_admin.organisation, is_organisation_admin=False
    )
    client_request.login(colleague)
    page = client_request.get_page("covenant.read")
    assert "has not signed the covenant yet" in page and "An organisation admin can sign it" in page
    assert "/covenant/sign" not in page.links().values()
    assert not page.select('a[href="/covenant/sign"]')
    client_request.get("covenant.sign", expected_status=403)


def test_an_organisation_without_a_named_contact_is_asked_to_name_one_first(client_request, db_session, provider_admin):
    client_request.login(provider_admin)
    page = client_request.get_page("covenant.sign")
    assert "Name a contact before you sign" in page
    assert page.select('a[href="/contacts"]')
    assert not page.select("form")
    # (The page has no form, so the token comes from another page of the same session.)
    client_request.post("covenant.sign", sign_form(), expected_status=200, form_url="/sign-out")
    assert db_session.scalar(select(func.count(CovenantSignature.id))) == 0
    # A contact who has been removed does not count.
    create_named_contact(db_session, provider_admin.organisation, retired_at=utcnow())
    assert "Name a contact before you sign" in client_request.get_page("covenant.sign")


def test_signing_the_covenant(client_request, db_session, provider_admin):
    create_named_contact(db_session, provider_admin.organisation)
    provider_admin.last_login_at = utcnow()
    client_request.login(provider_admin)
    page = client_request.get_page("covenant.sign")
    declaration = (
        "I confirm I am authorised to sign for Brightwater Children's Homes Ltd, and I sign version 1 "
        "of the GM First Covenant on its behalf."
    )
    assert declaration in page
    # The declaration is the checkbox's label, said once (no legend repeating it), never ticked for them.
    (label,) = page.select('label[for="confirm"]')
    assert " ".join(label.get_text().split()) == declaration
    assert not page.select("form legend") and page.text.count(declaration) == 1
    assert page.value_of("confirm") is None
    assert page.value_of("full_name") == "Ada Okoro", "prefilled from the account"
    assert page.value_of("job_title") == "Registered manager", "prefilled from the account"

    response = client_request.post("covenant.sign", sign_form(), expected_redirect="covenant.signature")
    signature = db_session.scalar(select(CovenantSignature))
    assert response.location == f"/covenant/signatures/{signature.id}"
    reference = receipt_reference(signature.ledger_seq)
    assert reference == f"GMF-{signature.ledger_seq:06d}"
    signed = client_request.get_page(response.location)
    assert "Covenant signed" in signed.panel and reference in signed
    assert f"/covenant/signatures/{signature.id}/receipt" in signed.links().values()
    assert "Download signed receipt" in signed

    assert (signature.signer_name, signature.signer_job_title) == ("Ada Okoro", "Managing director")
    assert signature.signer_email == provider_admin.email
    assert signature.declaration == declaration
    entry = db_session.get(LedgerEntry, signature.ledger_seq)
    assert entry.kind == "covenant-signature"
    assert entry.subject == f"urn:gm-first:covenant-signature:{signature.id}"
    # The audit trail keeps where the signer was; the signed record, which can never be erased, does not.
    payload = b64decode_either(json.loads(entry.envelope)["payload"]).decode()
    assert "127.0.0.1" not in payload and "Werkzeug" not in payload


def test_the_signed_statement_says_who_signed_what_when_and_how(db_session, provider_admin):
    provider_admin.organisation.ofsted_provider_urn = "SC123456"
    provider_admin.last_login_at = utcnow()
    signature = sign_current_version(db_session, provider_admin)
    envelope = json.loads(db_session.get(LedgerEntry, signature.ledger_seq).envelope)
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    statement = json.loads(b64decode_either(envelope["payload"]))
    version = service.current_version(db_session)
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["subject"] == [
        {"name": f"urn:gm-first:covenant-signature:{signature.id}", "digest": {"sha256": version.document_sha256}}
    ]
    assert statement["predicateType"] == "urn:gm-first:predicate:covenant-signature:v1"
    organisation = provider_admin.organisation
    assert statement["predicate"] == {
        "signer": {
            "name": provider_admin.full_name,
            "jobTitle": provider_admin.job_title,
            "userId": provider_admin.id,
            "email": provider_admin.email,
        },
        "organisation": {
            "id": organisation.id,
            "name": "Brightwater Children's Homes Ltd",
            "companiesHouseNumber": organisation.companies_house_number,
            "charityNumber": "1234567",
            "ofstedProviderUrn": "SC123456",
        },
        "signedAt": rfc3339(signature.signed_at),
        "ceremony": {
            "declaration": signature.declaration,
            "declarationSha256": sha256_hex(signature.declaration.encode()),
            "authentication": {"method": AUTHENTICATION_METHOD, "signedInAt": rfc3339(provider_admin.last_login_at)},
        },
        "covenant": {
            "version": 1,
            "title": "GM First: LA and Provider Covenant",
            "documentSha256": version.document_sha256,
        },
    }


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"confirm": ""}, "confirm", "Confirm you are authorised to sign for Brightwater Children's Homes Ltd"),
        ({"full_name": "  "}, "full_name", "Enter your full name"),
        ({"job_title": ""}, "job_title", "Enter your job title"),
        ({"job_title": "x" * 201}, "job_title", "Job title must be 200 characters or fewer"),
    ],
)
def test_a_form_with_mistakes_is_shown_again_with_what_was_typed(
    client_request, db_session, provider_admin, changes, field, message
):
    create_named_contact(db_session, provider_admin.organisation)
    client_request.login(provider_admin)
    data = sign_form(full_name="Ada Q. Okoro", job_title="Director of care") | changes
    html = client_request.post("/covenant/sign", data, expected_status=400).get_data(as_text=True)
    assert message.replace("'", "&#39;") in html
    assert f'id="{field}-error"' in html
    for name in ("full_name", "job_title"):
        if name not in changes:
            assert f'value="{data[name]}"' in html
    assert ledger_size(db_session) == 0


def test_a_version_published_while_the_page_was_open_is_read_before_signing(client_request, db_session, provider_admin):
    create_named_contact(db_session, provider_admin.organisation)
    client_request.login(provider_admin)
    html = client_request.post("/covenant/sign", sign_form(version_number="0"), expected_status=400).get_data(
        as_text=True
    )
    assert "Version 1 of the covenant was published after you opened this page" in html
    assert db_session.scalar(select(func.count(CovenantSignature.id))) == 0


def test_an_organisation_signs_each_version_once(client_request, another_browser, db_session, provider_admin):
    other_admin = create_user(
        db_session, Role.PROVIDER, organisation=provider_admin.organisation, is_organisation_admin=True
    )
    create_named_contact(db_session, provider_admin.organisation)
    client_request.login(provider_admin)
    first = client_request.post("/covenant/sign", sign_form(), expected_redirect="covenant.signature").location

    another_browser.login(other_admin)
    assert (
        another_browser.get("/covenant/sign", expected_status=302, expected_redirect="covenant.signature").location
        == first
    )
    html = another_browser.get(first).get_data(as_text=True)
    assert "has already signed version 1. This is its receipt." in html
    assert db_session.scalar(select(func.count(CovenantSignature.id))) == 1
    assert ledger_size(db_session) == 1
    assert 'href="/covenant/sign"' not in another_browser.get("/covenant").get_data(as_text=True)


def test_a_signature_refused_at_the_last_moment_leaves_no_ledger_entry(db_session, provider_admin, app):
    # Another admin's signature committed between this one's check and its insert: the unique
    # constraint refuses the second, and its ledger entry goes with it.
    first = sign_current_version(db_session, provider_admin)
    version = service.current_version(db_session)
    signing = service.Signing("Someone Else", "Director", version.number)
    with pytest.raises(service.AlreadySigned) as refused:
        covenant_signing._sealed_signature(
            db_session, app.extensions["signing_key"], provider_admin, signing, version, utcnow()
        )
    assert refused.value.signature == first
    assert ledger_size(db_session) == 1
    assert db_session.scalar(select(func.count(CovenantSignature.id))) == 1


def test_the_organisation_admins_and_the_signer_are_emailed_the_reference(client_request, db_session, provider_admin):
    other_admin = create_user(
        db_session, Role.PROVIDER, organisation=provider_admin.organisation, is_organisation_admin=True
    )
    colleague = create_user(
        db_session, Role.PROVIDER, organisation=provider_admin.organisation, is_organisation_admin=False
    )
    create_named_contact(db_session, provider_admin.organisation)
    client_request.login(provider_admin)
    path = client_request.post("/covenant/sign", sign_form(), expected_redirect="covenant.signature").location
    signature = db_session.scalar(select(CovenantSignature))
    reference = receipt_reference(signature.ledger_seq)
    for person in (provider_admin, other_admin):
        email = last_email_to(db_session, person.email)
        assert reference in email.subject
        assert "Brightwater Children's Homes Ltd has signed version 1 of the GM First Covenant" in email.text_body
        assert "Signed by: Ada Okoro, Managing director" in email.text_body
        assert link_in(email, "/covenant/signatures/") == path
    assert emails_to(db_session, colleague.email) == []


def test_signing_is_in_the_audit_trail(client_request, db_session, provider_admin):
    create_named_contact(db_session, provider_admin.organisation)
    client_request.login(provider_admin)
    client_request.post("/covenant/sign", sign_form(), expected_redirect="covenant.signature")
    signature = db_session.scalar(select(CovenantSignature))
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "covenant.signed"))
    assert (event.actor_id, event.object_type, event.object_id) == (
        provider_admin.id,
        "CovenantSignature",
        str(signature.id),
    )
    assert event.details == {
        "organisation_id": signature.organisation_id,
        "version": 1,
        "ledger_seq": signature.ledger_seq,
    }


def test_the_dashboard_shows_whether_the_organisation_has_signed(client_request, db_session, provider_admin):
    client_request.login(provider_admin)
    unsigned = client_request.get("/dashboard").get_data(as_text=True)
    assert "has not signed the covenant yet" in unsigned
    # The sentence and the link after it are apart ("sign it. Read the covenant", not "it.Read").
    assert re.search(r"you can sign it\.\s+<a [^>]*>Read the covenant</a>", unsigned)
    signature = sign_current_version(db_session, provider_admin)
    html = client_request.get("/dashboard").get_data(as_text=True)
    assert "signed version 1 of the covenant on" in html
    assert f"See the receipt {receipt_reference(signature.ledger_seq)}" in html
