"""A provider signs up, confirms their email address and signs in."""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from covenant_portal.accounts.models import ProviderOrganisation, User
from covenant_portal.access import Role
from covenant_portal.accounts.tokens import Purpose, make_token
from covenant_portal.mail.links import Links
from covenant_portal.db import utcnow
from tests.accounts.outbox import audit_actions, emails_to, last_email_to, link_in
from tests.factories import PASSWORD, create_user

SIGN_UP = {
    "organisation_name": "Northern Lights Care Ltd",
    "companies_house_number": "0123 4567",
    "charity_number": "",
    "ofsted_provider_urn": "sc123456",
    "full_name": "Priya Shah",
    "job_title": "Registered manager",
    "email": "Priya@Northern-Lights.example",
    "password": PASSWORD,
    "confirm_password": PASSWORD,
}


def sign_up(client_request, **changes):
    return client_request.post("/sign-up", {**SIGN_UP, **changes}, expected_redirect="/sign-up/check-your-email")


def sign_in(client_request, email, password=PASSWORD, expected_status=302):
    return client_request.post(
        "/sign-in",
        {"email": email, "password": password},
        expected_status=expected_status,
        expected_redirect="/dashboard" if expected_status == 302 else None,
    )


def test_home_page_starts_sign_up(client_request):
    html = client_request.get("/").get_data(as_text=True)
    assert 'href="/sign-up"' in html


def test_a_provider_signs_up_confirms_their_email_and_signs_in(client_request, db_session):
    response = sign_up(client_request)
    assert response.location == "/sign-up/check-your-email"
    check_page = client_request.get(response.location).get_data(as_text=True)
    assert "priya@northern-lights.example" in check_page

    user = db_session.scalar(select(User).where(User.email == "priya@northern-lights.example"))
    assert user.role == Role.PROVIDER and user.is_organisation_admin
    assert user.email_verified_at is None
    assert user.job_title == "Registered manager"
    organisation = user.organisation
    assert (organisation.name, organisation.companies_house_number, organisation.ofsted_provider_urn) == (
        "Northern Lights Care Ltd",
        "01234567",
        "SC123456",
    )
    assert organisation.charity_number is None

    # Not yet confirmed: signing in fails like a wrong password would.
    sign_in(client_request, user.email, expected_status=400)

    email = last_email_to(db_session, user.email)
    assert email.subject == "Confirm your email address"
    link = link_in(email, "/verify-email/")
    assert "http://localhost/verify-email/" in email.text_body
    response = client_request.get(link, expected_status=302, expected_redirect="/sign-in")
    assert response.location == "/sign-in"
    assert "Your email address is confirmed" in client_request.get("/sign-in").get_data(as_text=True)

    assert sign_in(client_request, user.email).location == "/dashboard"
    assert "Northern Lights Care Ltd" in client_request.get("/dashboard").get_data(as_text=True)
    assert audit_actions(db_session, user) == ["user.signed_up", "user.email_verified", "user.logged_in"]


def test_a_confirmation_link_works_only_once(client_request, db_session):
    sign_up(client_request)
    link = link_in(last_email_to(db_session, "priya@northern-lights.example"), "/verify-email/")
    client_request.get(link, expected_status=302, expected_redirect="/sign-in")
    html = client_request.get(link, expected_status=400).get_data(as_text=True)
    assert "This link has already been used" in html
    assert 'href="/sign-in"' in html


def test_an_expired_confirmation_link_offers_a_new_one(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER, email_verified_at=None)
    links = Links.from_app(current_app)
    token = make_token(links, user, Purpose.VERIFY_EMAIL, utcnow() - timedelta(hours=48, minutes=1))
    html = client_request.get(f"/verify-email/{token}", expected_status=400).get_data(as_text=True)
    assert "This link has expired" in html
    assert 'href="/verify-email/resend"' in html
    db_session.refresh(user)
    assert user.email_verified_at is None


def test_a_link_made_for_another_purpose_is_not_valid(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER, email_verified_at=None)
    token = make_token(Links.from_app(current_app), user, Purpose.RESET_PASSWORD, utcnow())
    html = client_request.get(f"/verify-email/{token}", expected_status=400).get_data(as_text=True)
    assert "This link is not valid" in html


def test_a_new_confirmation_link_can_be_requested(client_request, db_session):
    sign_up(client_request)
    address = "priya@northern-lights.example"
    first_link = link_in(last_email_to(db_session, address), "/verify-email/")

    response = client_request.post(
        "/verify-email/resend", {"email": address}, expected_redirect="/sign-up/check-your-email"
    )
    assert response.location == "/sign-up/check-your-email"
    messages = emails_to(db_session, address)
    assert len(messages) == 2
    client_request.get(link_in(messages[-1], "/verify-email/"), expected_status=302, expected_redirect="/sign-in")
    # Confirming once uses up every link sent for that address.
    client_request.get(first_link, expected_status=400)


def test_asking_for_a_confirmation_link_reveals_no_accounts(client_request, db_session):
    confirmed = create_user(db_session, Role.PROVIDER)
    unknown = client_request.post(
        "/verify-email/resend", {"email": "nobody@example.org"}, expected_redirect="/sign-up/check-your-email"
    )
    known = client_request.post(
        "/verify-email/resend", {"email": confirmed.email}, expected_redirect="/sign-up/check-your-email"
    )
    assert unknown.location == known.location == "/sign-up/check-your-email"
    assert emails_to(db_session, "nobody@example.org") == []
    assert emails_to(db_session, confirmed.email) == []


def test_signing_up_with_an_address_that_has_an_account_reveals_nothing(client_request, db_session):
    existing = create_user(db_session, Role.LA_CONTACT, email="known@example.org")
    known = sign_up(client_request, email="Known@example.org")
    known_page = client_request.get(known.location).get_data(as_text=True)
    unknown = sign_up(client_request, email="unknown@example.org")
    unknown_page = client_request.get(unknown.location).get_data(as_text=True)

    assert known.location == unknown.location
    assert known_page.replace("known@example.org", "ADDRESS") == unknown_page.replace("unknown@example.org", "ADDRESS")
    # The owner is told instead, and nothing about their account changes.
    warning = last_email_to(db_session, "known@example.org")
    assert warning.subject == "Someone tried to create an account with your email address"
    assert "/forgotten-password" in warning.text_body
    assert "/verify-email/" not in warning.text_body
    assert db_session.scalar(select(User).where(User.email == "known@example.org")).role == Role.LA_CONTACT
    assert audit_actions(db_session, existing) == ["user.sign_up_with_existing_email"]
    names = db_session.scalars(select(ProviderOrganisation.name)).all()
    assert names.count("Northern Lights Care Ltd") == 1


def test_a_form_with_mistakes_is_shown_again_with_what_was_typed(client_request, db_session):
    response = client_request.post(
        "/sign-up",
        {
            **SIGN_UP,
            "organisation_name": "",
            "companies_house_number": "1234",
            "charity_number": "12-34",
            "ofsted_provider_urn": "URN1",
            "email": "priya-at-example",
            "confirm_password": "something else entirely",
        },
        expected_status=400,
    )
    html = response.get_data(as_text=True)
    for message in (
        "Enter the name of your organisation",
        "Companies House number must be 8 characters, like 01234567 or SC123456",
        "Charity number must be 6 or 7 digits",
        "Ofsted URN must be SC and 6 digits, like SC123456, or 6 or 7 digits, like 1234567",
        "Enter an email address in the correct format, like name@example.com",
        "Passwords do not match",
    ):
        assert message in html
    assert 'value="Priya Shah"' in html
    assert 'value="Registered manager"' in html
    assert 'value="priya-at-example"' in html
    assert PASSWORD not in html
    assert db_session.scalar(select(User).where(User.full_name == "Priya Shah")) is None


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "Password must be 12 characters or more"), ("password1234", "Password is too common")],
)
def test_a_weak_password_is_refused(client_request, password, message):
    response = client_request.post(
        "/sign-up", {**SIGN_UP, "password": password, "confirm_password": password}, expected_status=400
    )
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("companies_house_number", "sc123456", "SC123456"),
        ("companies_house_number", "OC 301234", "OC301234"),
        ("charity_number", "1123456", "1123456"),
        ("charity_number", "SC012345", "SC012345"),
        ("ofsted_provider_urn", "1234567", "1234567"),
        ("ofsted_provider_urn", "123456", "123456"),  # 6 digits, as the hint says
    ],
)
def test_reference_numbers_are_kept_in_one_form(client_request, db_session, field, typed, stored):
    sign_up(client_request, **{field: typed})
    organisation = db_session.scalar(
        select(ProviderOrganisation).where(ProviderOrganisation.name == "Northern Lights Care Ltd")
    )
    assert getattr(organisation, field) == stored


def test_signed_in_people_are_sent_to_their_dashboard(client_request, db_session):
    client_request.login(create_user(db_session, Role.PROVIDER))
    assert client_request.get("/sign-up", expected_status=302, expected_redirect="/dashboard").location == "/dashboard"


def test_the_ofsted_urn_hint_says_what_the_field_accepts_as_its_message_does(client_request):
    hint = "Your provider or setting URN, as on your Ofsted registration: "
    accepted = "SC and 6 digits, like SC123456, or 6 or 7 digits, like 1234567"
    assert hint + accepted in client_request.get("/sign-up").get_data(as_text=True)
    response = client_request.post("/sign-up", {**SIGN_UP, "ofsted_provider_urn": "12345"}, expected_status=400)
    assert response.page.error_for("ofsted_provider_urn") == f"Ofsted URN must be {accepted}"
