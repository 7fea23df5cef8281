"""Covenant versions: version 1 from the reference data; admins draft and publish new ones, and
organisations that signed an older version are asked to sign again."""

import re

import pytest
from sqlalchemy import select
from flask import current_app

from covenant_portal.access import Role
from covenant_portal.audit.models import AuditEvent
from covenant_portal.audit.service import SYSTEM
from covenant_portal.covenant import service
from covenant_portal.covenant.models import CovenantStatus, CovenantVersion
from covenant_portal.db import utcnow
from covenant_portal.reference import covenant_v1, load_covenant
from covenant_portal.signing.canonical import canonical_sha256
from covenant_portal.mail.links import Links
from tests.accounts.outbox import emails_to, last_email_to, link_in
from tests.covenant.helpers import create_named_contact, sign_current_version
from tests.factories import create_user


def test_version_1_is_the_reference_text_published_with_its_rfc_8785_hash(db_session):
    version = service.current_version(db_session)
    assert (version.number, version.status, version.title) == (1, CovenantStatus.PUBLISHED, covenant_v1()["title"])
    assert version.document == covenant_v1()
    assert len(version.document["pledges"]) == 11
    assert version.document_sha256 == canonical_sha256(covenant_v1())
    assert version.published_at is not None


def test_loading_the_reference_data_again_changes_nothing(db_session):
    before = service.current_version(db_session)
    assert load_covenant(db_session) is False
    assert service.all_versions(db_session) == [before]


@pytest.fixture
def admin(client_request, db_session):
    admin = create_user(db_session, Role.ADMIN)
    client_request.login(admin)
    return admin


def draft_data(**changes) -> dict:
    document = covenant_v1()
    data = {
        "title": document["title"],
        "purpose": document["purpose"],
        "aims_preamble": document["aims_preamble"],
        "aims": "\n".join(document["aims"]),
    }
    for pledge in document["pledges"]:
        data[f"la_pledge_{pledge['number']}"] = pledge["la_pledge"]
        data[f"provider_pledge_{pledge['number']}"] = pledge["provider_pledge"]
    return data | changes


def test_an_admin_drafts_a_new_version_from_the_published_one(client_request, db_session, admin):
    page = client_request.get_page("covenant.admin_new")
    assert page.value_of("provider_pledge_11") == covenant_v1()["pledges"][10]["provider_pledge"], "prefilled"
    response = client_request.post(
        "/admin/covenant/new",
        draft_data(
            title="GM First: LA and Provider Covenant (2027)",
            aims="First aim\n\n  Second aim  \n",
            provider_pledge_7="Keep the right paperwork up to date and share it promptly.",
        ),
        expected_redirect="/admin/covenant/2",
    )
    assert response.location == "/admin/covenant/2"
    draft = service.version_numbered(db_session, 2)
    assert draft.status == CovenantStatus.DRAFT and draft.published_at is None
    assert draft.document["version"] == 2
    assert draft.document["aims"] == ["First aim", "Second aim"]
    assert draft.document["pledges"][6] == {
        "number": 7,
        "la_pledge": covenant_v1()["pledges"][6]["la_pledge"],
        "provider_pledge": "Keep the right paperwork up to date and share it promptly.",
    }
    assert draft.document_sha256 == canonical_sha256(draft.document)
    assert draft.created_by_id == admin.id
    page = client_request.get_page("covenant.admin_version", number=2)
    assert "Version 2 is saved as a draft" in page.notification_banner and "Publish version 2" in page
    assert service.current_version(db_session).number == 1, "a draft is not signed until published"
    assert "Draft" in client_request.get_page("covenant.admin_versions")


def test_a_draft_with_mistakes_is_shown_again_with_what_was_typed(client_request, db_session, admin):
    page = client_request.post(
        "covenant.admin_new", draft_data(purpose="", la_pledge_3="A clearer third pledge"), expected_status=400
    ).page
    assert page.error_for("purpose").startswith("Enter the purpose")
    assert page.value_of("la_pledge_3") == "A clearer third pledge"
    page = client_request.post("covenant.admin_new", draft_data(), expected_status=400).page
    assert "Nothing has changed from version 1" in page.error_for("title")
    assert service.version_numbered(db_session, 2) is None


def draft_version_2(session, admin) -> CovenantVersion:
    wording = service.wording_of(covenant_v1())
    wording.pledges[0] = (wording.pledges[0][0], "Put GM children first, always.")
    return service.draft_version(session, wording, admin, SYSTEM, utcnow())


def test_publishing_asks_organisations_that_signed_before_to_sign_again(
    client_request, another_browser, db_session, admin
):
    signed = create_user(db_session, Role.PROVIDER, full_name="Sam Signed")
    colleague = create_user(db_session, Role.PROVIDER, organisation=signed.organisation, is_organisation_admin=False)
    sign_current_version(db_session, signed)
    never_signed = create_user(db_session, Role.PROVIDER)
    draft_version_2(db_session, admin)

    response = client_request.post(
        "/admin/covenant/2/publish", form_url="/admin/covenant/2/publish", expected_redirect="/admin/covenant/2"
    )
    assert response.location == "/admin/covenant/2"
    html = client_request.get("/admin/covenant/2").get_data(as_text=True)
    assert "Version 2 is published. We are emailing 1 organisation admin" in html
    assert service.current_version(db_session).number == 2

    email = last_email_to(db_session, signed.email)
    assert email.subject == "Please sign version 2 of the GM First Covenant"
    assert link_in(email, "/covenant") == "/covenant"
    assert emails_to(db_session, never_signed.email) == [] and emails_to(db_session, colleague.email) == []

    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "covenant.version_published"))
    assert (event.actor_id, event.details) == (admin.id, {"number": 2, "emails": 1})

    for person in (signed, colleague):
        another_browser.login(person)
        dashboard = another_browser.get("/dashboard").get_data(as_text=True)
        assert f"{signed.organisation.name} signed version 1 — re-signing needed" in dashboard
        assert re.search(r"sign it(?: for your organisation)?\.\s+<a [^>]*>Read version 2</a>", dashboard)
    register = client_request.get("/signatories/all").get_data(as_text=True)
    assert "Signed version 1 — re-signing needed" in register
    # On the public register for the grace period, with the date it must sign again by.
    public = client_request.get("/signatories").get_data(as_text=True)
    due = service.resigning_due_on(service.current_version(db_session), 8)
    assert signed.organisation.name in public and f"Signed version 1, re-signing due by {due:%-d %B %Y}" in public


def test_signing_the_new_version_clears_the_request_to_sign_again(client_request, db_session, admin):
    signer = create_user(db_session, Role.PROVIDER)
    create_named_contact(db_session, signer.organisation)
    sign_current_version(db_session, signer)
    draft_version_2(db_session, admin)
    service.publish_version(
        db_session, Links.from_app(current_app), service.version_numbered(db_session, 2), SYSTEM, utcnow()
    )

    client_request.login(signer)
    page = client_request.get("/covenant").get_data(as_text=True)
    assert "Put GM children first, always." in page and "Sign the covenant" in page
    form = client_request.get("/covenant/sign").get_data(as_text=True)
    assert "and I sign version 2 of the GM First Covenant" in form
    client_request.post(
        "/covenant/sign",
        {"confirm": "y", "full_name": "A", "job_title": "B", "version_number": "2"},
        expected_redirect="covenant.signature",
    )
    status = service.status_of(db_session, signer.organisation)
    assert status.state == service.SigningState.SIGNED_CURRENT
    assert "re-signing needed" not in client_request.get("/dashboard").get_data(as_text=True)


def test_a_published_version_cannot_be_published_again_nor_an_older_draft_after_a_newer_one(
    client_request, db_session, admin
):
    # A published version has no Publish button; a stale page could still send the form.
    client_request.post("/admin/covenant/1/publish", form_url="/sign-out", expected_redirect="/admin/covenant/1")
    assert "Version 1 is already published" in client_request.get("/admin/covenant/1").get_data(as_text=True)
    draft_version_2(db_session, admin)
    draft_version_2(db_session, admin)
    service.publish_version(
        db_session, Links.from_app(current_app), service.version_numbered(db_session, 3), SYSTEM, utcnow()
    )
    client_request.post(
        "/admin/covenant/2/publish", form_url="/admin/covenant/2/publish", expected_redirect="/admin/covenant/2"
    )
    assert "Version 3 is newer and already published" in client_request.get("/admin/covenant/2").get_data(as_text=True)
    assert service.version_numbered(db_session, 2).status == CovenantStatus.DRAFT


def test_unknown_versions_are_not_found(client_request, admin):
    client_request.get("/admin/covenant/99", expected_status=404)


def test_before_publishing_the_admin_sees_what_changes_and_nothing_happens_until_they_confirm(
    client_request, db_session, admin
):
    sign_current_version(db_session, create_user(db_session, Role.PROVIDER))
    draft_version_2(db_session, admin)

    version_page = client_request.get_page("covenant.admin_version", number=2)
    assert "/admin/covenant/2/publish" in version_page.links().values()
    assert not version_page.select('form[method="post"]')
    page = client_request.get_page("covenant.admin_publish", number=2)

    assert page.h1 == "Publish version 2 of the covenant?" and "What changes from version 1" in page
    assert "1 part changes" in page and "Pledge 1: what providers pledge" in page
    assert "Put GM children first, always." in page and covenant_v1()["pledges"][0]["provider_pledge"] in page
    assert "The 1 organisation that has signed an older version will be asked, by email, to sign this one." in page
    assert "Publishing cannot be undone" in page
    assert service.current_version(db_session).number == 1


def test_the_confirmation_of_a_published_version_leads_back_to_it(client_request, admin):
    response = client_request.get("covenant.admin_publish", number=1, expected_redirect="/admin/covenant/1")
    assert response.location == "/admin/covenant/1"


def test_wording_changes_name_each_changed_part_in_order():
    before = covenant_v1()
    after = {**before, "title": "A new title", "pledges": [dict(pledge) for pledge in before["pledges"]]}
    after["pledges"][1]["provider_pledge"] = "Identify a named person."
    after["pledges"][1]["la_pledge"] = "Provide a named contact."
    changes = service.wording_changes(before, after)
    assert [change.part for change in changes] == [
        "Title",
        "Pledge 2: what local authorities pledge",
        "Pledge 2: what providers pledge",
    ]
    assert (changes[0].before, changes[0].after) == (before["title"], "A new title")
    assert service.wording_changes(before, before) == []


def test_an_organisation_asked_to_sign_again_sees_what_changed_since_it_signed(client_request, db_session, admin):
    signer = create_user(db_session, Role.PROVIDER)
    create_named_contact(db_session, signer.organisation)
    sign_current_version(db_session, signer)
    draft_version_2(db_session, admin)
    service.publish_version(
        db_session, Links.from_app(current_app), service.version_numbered(db_session, 2), SYSTEM, utcnow()
    )

    client_request.login(signer)
    form = client_request.get("/covenant/sign").get_data(as_text=True)
    changed = form[form.index('id="what-changed"') : form.index("<form")]
    assert "What has changed since you signed version 1" in changed and "1 part changes" in changed
    assert "Pledge 1: what providers pledge" in changed and "Put GM children first, always." in changed


def test_an_organisation_signing_for_the_first_time_is_shown_no_changes(client_request, db_session):
    signer = create_user(db_session, Role.PROVIDER)
    create_named_contact(db_session, signer.organisation)
    client_request.login(signer)
    assert 'id="what-changed"' not in client_request.get("/covenant/sign").get_data(as_text=True)
