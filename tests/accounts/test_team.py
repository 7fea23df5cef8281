"""A provider organisation admin invites colleagues, who activate their accounts; and deactivates them."""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from covenant_portal.access import Role
from covenant_portal.accounts.models import User
from covenant_portal.accounts.tokens import Purpose, make_token
from covenant_portal.mail.links import Links
from covenant_portal.audit.models import AuditEvent
from covenant_portal.db import utcnow
from tests.accounts.outbox import audit_actions, emails_to, last_email_to, link_in
from tests.factories import PASSWORD, create_user

COLLEAGUE_PASSWORD = "a colleague's long passphrase"


def invite(client_request, **changes):
    data = {"full_name": "Sam Okafor", "job_title": "Deputy manager", "email": "sam@provider.example"} | changes
    return client_request.post("/team/invite", data, expected_redirect="/team")


def test_organisation_admins_see_their_own_team_only(client_request, db_session):
    admin = create_user(db_session, Role.PROVIDER)
    colleague = create_user(db_session, Role.PROVIDER, organisation=admin.organisation, is_organisation_admin=False)
    stranger = create_user(db_session, Role.PROVIDER)
    client_request.login(admin)
    html = client_request.get("/team").get_data(as_text=True)
    assert colleague.email in html and admin.email in html
    assert stranger.email not in html
    assert 'href="/team"' in client_request.get("/dashboard").get_data(as_text=True)


def test_colleagues_who_are_not_organisation_admins_cannot_manage_the_team(client_request, db_session):
    admin = create_user(db_session, Role.PROVIDER)
    colleague = create_user(db_session, Role.PROVIDER, organisation=admin.organisation, is_organisation_admin=False)
    client_request.login(colleague)
    client_request.get("/team", expected_status=403)
    client_request.get("/team/invite", expected_status=403)
    assert 'href="/team"' not in client_request.get("/dashboard").get_data(as_text=True)


def test_inviting_a_colleague_who_then_activates_their_account(client_request, another_browser, db_session):
    admin = create_user(db_session, Role.PROVIDER, full_name="Ada Admin")
    client_request.login(admin)
    assert invite(client_request, is_organisation_admin="y").location == "/team"
    html = client_request.get("/team").get_data(as_text=True)
    assert (
        f"If sam@provider.example can join {admin.organisation.name}, we have emailed Sam Okafor an invitation" in html
    )
    assert "Invited" in html

    email = last_email_to(db_session, "sam@provider.example")
    assert "Ada Admin has invited you" in email.text_body
    assert admin.organisation.name in email.text_body
    link = link_in(email, "/activate/")

    page = another_browser.get(link).get_data(as_text=True)
    assert "Sam Okafor" in page and admin.organisation.name in page
    response = another_browser.post(
        link, {"password": COLLEAGUE_PASSWORD, "confirm_password": COLLEAGUE_PASSWORD}, expected_redirect="/sign-in"
    )
    assert response.location == "/sign-in"
    another_browser.get(link, expected_status=400)
    assert (
        another_browser.post(
            "/sign-in",
            {"email": "sam@provider.example", "password": COLLEAGUE_PASSWORD},
            expected_redirect="/dashboard",
        ).location
        == "/dashboard"
    )
    # Made an organisation admin, so they can manage the team too.
    another_browser.get("/team")

    sam = next(member for member in admin.organisation.users if member.email == "sam@provider.example")
    db_session.refresh(sam)
    assert (sam.role, sam.organisation_id, sam.is_organisation_admin, sam.invited_by_id) == (
        Role.PROVIDER,
        admin.organisation_id,
        True,
        admin.id,
    )
    assert audit_actions(db_session, sam) == ["user.invited", "user.activated", "user.logged_in"]


def test_an_invited_colleague_cannot_sign_in_before_activating(client_request, db_session):
    client_request.login(create_user(db_session, Role.PROVIDER))
    invite(client_request)
    client_request.post("/sign-out", expected_redirect="/sign-in")
    client_request.post("/sign-in", {"email": "sam@provider.example", "password": ""}, expected_status=400)


def test_an_expired_invitation_points_to_a_new_link(client_request, db_session):
    admin = create_user(db_session, Role.PROVIDER)
    invited = create_user(
        db_session, Role.PROVIDER, organisation=admin.organisation, password_hash=None, email_verified_at=None
    )
    token = make_token(Links.from_app(current_app), invited, Purpose.ACTIVATE, utcnow() - timedelta(days=3))
    html = client_request.get(f"/activate/{token}", expected_status=400).get_data(as_text=True)
    assert "This link has expired" in html
    assert 'href="/forgotten-password"' in html
    # The forgotten-password link lets them set a password all the same.
    client_request.post(
        "/forgotten-password", {"email": invited.email}, expected_redirect="/forgotten-password/check-your-email"
    )
    link = link_in(last_email_to(db_session, invited.email), "/reset-password/")
    client_request.post(
        link, {"password": COLLEAGUE_PASSWORD, "confirm_password": COLLEAGUE_PASSWORD}, expected_redirect="/sign-in"
    )
    response = client_request.post(
        "/sign-in", {"email": invited.email, "password": COLLEAGUE_PASSWORD}, expected_redirect="/dashboard"
    )
    assert response.location == "/dashboard"


@pytest.mark.parametrize("elsewhere", ["another provider", "a local authority"])
def test_inviting_an_address_with_an_account_elsewhere_does_not_disclose_it(client_request, db_session, elsewhere):
    """Deliberately changed: this was refused with "There is already an account with this email
    address", which told an organisation admin that someone had an account in another organisation."""
    if elsewhere == "another provider":
        owner = create_user(db_session, Role.PROVIDER, email="taken@example.org", full_name="Tara Owen")
    else:
        owner = create_user(db_session, Role.LA_CONTACT, email="taken@example.org", full_name="Tara Owen")
    before = (owner.full_name, owner.organisation_id, owner.local_authority_id, owner.invited_by_id)
    admin = create_user(db_session, Role.PROVIDER, full_name="Ada Admin")
    client_request.login(admin)
    response = invite(client_request, email="Taken@example.org")
    assert response.location == "/team"
    html = client_request.get("/team").get_data(as_text=True)
    assert f"If Taken@example.org can join {admin.organisation.name}, we have emailed Sam Okafor an invitation" in html
    assert "already" not in html and "Tara Owen" not in html
    if elsewhere == "another provider":
        assert owner.organisation.name not in html

    db_session.refresh(owner)
    assert (owner.full_name, owner.organisation_id, owner.local_authority_id, owner.invited_by_id) == before
    assert db_session.scalar(select(func.count()).select_from(User).where(User.email == "taken@example.org")) == 1
    [email] = emails_to(db_session, "taken@example.org")
    assert "Ada Admin tried to invite you" in email.text_body and admin.organisation.name in email.text_body
    assert "You already have an account with this email address" in email.text_body
    assert "/activate/" not in email.text_body
    assert link_in(email, "/sign-in")
    assert audit_actions(db_session, owner)[-1] == "user.invited_with_existing_email"
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "user.invited_with_existing_email")).one()
    assert event.actor_id == admin.id

    # Inviting again within the hour does not email the owner again.
    invite(client_request, email="taken@example.org")
    assert len(emails_to(db_session, "taken@example.org")) == 1


def test_inviting_someone_already_in_the_organisation_is_refused(client_request, db_session):
    admin = create_user(db_session, Role.PROVIDER)
    create_user(db_session, Role.PROVIDER, organisation=admin.organisation, email="taken@example.org")
    client_request.login(admin)
    html = client_request.post(
        "/team/invite",
        {"full_name": "Sam Okafor", "job_title": "Deputy manager", "email": "Taken@example.org"},
        expected_status=400,
    ).get_data(as_text=True)
    assert "There is already an account with this email address in your organisation" in html
    assert 'value="Sam Okafor"' in html
    assert emails_to(db_session, "taken@example.org") == []


def test_an_invitation_form_with_mistakes_keeps_what_was_typed(client_request, db_session):
    client_request.login(create_user(db_session, Role.PROVIDER))
    html = client_request.post(
        "/team/invite", {"full_name": "", "job_title": "Deputy manager", "email": "sam"}, expected_status=400
    ).get_data(as_text=True)
    assert "Enter their full name" in html
    assert "Enter an email address in the correct format" in html
    assert 'value="Deputy manager"' in html


def test_deactivating_a_colleague_signs_them_out_and_stops_them_signing_in(client_request, another_browser, db_session):
    admin = create_user(db_session, Role.PROVIDER)
    colleague = create_user(db_session, Role.PROVIDER, organisation=admin.organisation, is_organisation_admin=False)
    another_browser.login(colleague)
    another_browser.get("/dashboard")
    client_request.login(admin)

    confirmation = client_request.get(f"/team/{colleague.id}/deactivate").get_data(as_text=True)
    assert f"Deactivate {colleague.full_name}’s account?" in confirmation and "can be reactivated later" in confirmation
    response = client_request.post(
        f"/team/{colleague.id}/deactivate", form_url=f"/team/{colleague.id}/deactivate", expected_redirect="/team"
    )
    assert response.location == "/team"
    html = client_request.get("/team").get_data(as_text=True)
    assert "account is deactivated" in html and "Deactivated" in html

    assert another_browser.get(
        "/dashboard", expected_status=302, expected_redirect="accounts.login"
    ).location.startswith("/sign-in")
    another_browser.post("/sign-in", {"email": colleague.email, "password": PASSWORD}, expected_status=400)

    client_request.post(f"/team/{colleague.id}/reactivate", form_url="/team", expected_redirect="/team")
    assert (
        another_browser.post(
            "/sign-in", {"email": colleague.email, "password": PASSWORD}, expected_redirect="/dashboard"
        ).location
        == "/dashboard"
    )
    assert audit_actions(db_session, colleague)[:2] == ["user.deactivated", "user.reactivated"]


def test_another_organisations_people_are_not_found(client_request, db_session):
    admin = create_user(db_session, Role.PROVIDER)
    stranger = create_user(db_session, Role.PROVIDER)
    client_request.login(admin)
    client_request.get(f"/team/{stranger.id}/deactivate", expected_status=404)
    client_request.post(f"/team/{stranger.id}/deactivate", form_url="/team/invite", expected_status=404)
    client_request.post(f"/team/{stranger.id}/reactivate", form_url="/team/invite", expected_status=404)
    client_request.post("/team/999999/deactivate", form_url="/team/invite", expected_status=404)
    db_session.refresh(stranger)
    assert stranger.deactivated_at is None


def test_an_organisation_admin_cannot_deactivate_themself(client_request, db_session):
    admin = create_user(db_session, Role.PROVIDER)
    client_request.login(admin)
    # The team page offers no such button; a hand-made request is refused all the same.
    client_request.post(f"/team/{admin.id}/deactivate", form_url="/team/invite", expected_redirect="/team")
    assert "You cannot deactivate your own account" in client_request.get("/team").get_data(as_text=True)
    db_session.refresh(admin)
    assert admin.deactivated_at is None


def test_the_invite_says_what_an_organisation_admin_can_do_that_a_colleague_cannot(client_request, db_session):
    """Signing the covenant, naming contacts and recording homes are for organisation admins only."""
    client_request.login(create_user(db_session, Role.PROVIDER))
    for page in ("/team/invite", "/team"):
        text = " ".join(client_request.get_page(page).text.split())
        assert (
            "Organisation admins can sign the covenant, name contacts for vacancies and referrals, "
            "add and change homes, and invite colleagues and deactivate their accounts"
        ) in text
