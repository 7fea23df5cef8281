"""Errors are answered with GOV.UK-styled pages that keep the error's status code."""

import pytest
from flask import Blueprint, abort

from covenant_portal.access import public
from covenant_portal.access import Role
from covenant_portal.db import utcnow
from tests.conftest import check_page, make_app
from tests.page import Page, words
from tests.factories import create_user


def test_a_missing_page_says_page_not_found(client_request):
    response = client_request.client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    check_page(html)
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html


def test_a_page_for_another_role_says_so(client_request, db_session):
    client_request.login(create_user(db_session, Role.PROVIDER))
    response = client_request.client.get("/admin/audit")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    check_page(html)
    assert '<h1 class="govuk-heading-l">You do not have permission to see this page</h1>' in html


def _refused(client_request, user, url):
    client_request.login(user)
    response = client_request.client.get(url)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    check_page(html)
    return Page(html).text


def _refused_words(client_request, user, url):
    """The 403 page's words as read, links within sentences (Page.text spaces every element apart)."""
    client_request.login(user)
    response = client_request.client.get(url)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    check_page(html)
    return words(Page(html).soup.get_text()), html


def test_the_refusal_fits_the_person_refused(client_request, db_session):
    # An admin is the person others ask: never told to ask a portal administrator.
    admin = _refused(client_request, create_user(db_session, Role.ADMIN), "/concerns")
    assert (
        "This page is for provider users, local authority contacts and escalation officers. "
        "Your account (portal administrator) cannot open it." in admin
    )
    assert "ask a portal administrator" not in admin and "administrator of your organisation" not in admin
    officer = _refused(client_request, create_user(db_session, Role.ESCALATION_OFFICER), "/admin/audit")
    assert "This page is for portal administrators." in officer
    assert "If you think you should have access, ask a portal administrator." in officer
    provider = _refused(client_request, create_user(db_session, Role.PROVIDER), "/admin/audit")
    assert "ask the administrator of your organisation or a portal administrator" in provider
    colleague = create_user(db_session, Role.PROVIDER, is_organisation_admin=False)
    team = _refused(client_request, colleague, "/team")
    assert "This page is for the organisation admins of a provider" in team
    assert "ask an organisation admin of your organisation" in team


def test_the_refusal_names_the_active_admins_of_the_person_s_own_organisation(client_request, db_session):
    ada = create_user(db_session, Role.PROVIDER, full_name="Ada Admin", email="ada@brightwater.example")
    organisation = ada.organisation
    create_user(db_session, Role.PROVIDER, organisation=organisation, is_organisation_admin=True, full_name="Bo Boss")
    create_user(
        db_session,
        Role.PROVIDER,
        organisation=organisation,
        is_organisation_admin=True,
        full_name="Gone Admin",
        deactivated_at=utcnow(),
    )
    create_user(
        db_session,
        Role.PROVIDER,
        organisation=organisation,
        is_organisation_admin=True,
        full_name="Not Yet Admin",
        password_hash=None,
    )
    create_user(db_session, Role.PROVIDER, full_name="Other Org Admin")
    colleague = create_user(db_session, Role.PROVIDER, organisation=organisation, is_organisation_admin=False)
    bo = next(user for user in organisation.users if user.full_name == "Bo Boss")

    team, html = _refused_words(client_request, colleague, "/team")
    assert 'href="mailto:ada@brightwater.example"' in html
    assert (
        "If you think you should have access, ask an organisation admin of your organisation: "
        f"Ada Admin (ada@brightwater.example) or Bo Boss ({bo.email})." in team
    )
    for name in ("Gone Admin", "Not Yet Admin", "Other Org Admin"):
        assert name not in team

    # An organisation admin refused a page for another role is pointed to the others, not themself.
    audit, _ = _refused_words(client_request, ada, "/admin/audit")
    assert (
        "If you think you should have access, ask a portal administrator, or an organisation admin of your "
        f"organisation: Bo Boss ({bo.email})." in audit
    )
    assert "Ada Admin (" not in audit

    # Someone of no provider organisation is still told whom to ask in general.
    officer = _refused(client_request, create_user(db_session, Role.LA_CONTACT), "/team")
    assert "If you think you should have access, ask a portal administrator." in officer


@pytest.fixture
def failing_app(migrated_engine, database_url):
    # Exceptions reach the error handler, as in production, instead of the test.
    app = make_app(database_url, PROPAGATE_EXCEPTIONS=False)
    failing = Blueprint("failing", __name__)

    @failing.get("/failing/<int:code>")
    @public
    def fail_with(code):
        abort(code)

    @failing.get("/failing/crash")
    @public
    def crash():
        raise RuntimeError("a bug")

    app.register_blueprint(failing)
    return app


@pytest.mark.parametrize(
    "url, status, heading",
    [
        ("/failing/400", 400, "Sorry, there is a problem with your request"),
        ("/failing/403", 403, "You do not have permission to see this page"),
        ("/failing/404", 404, "Page not found"),
        ("/failing/413", 413, "What you sent is too large"),
        ("/failing/429", 429, "Too many requests"),
        ("/failing/crash", 500, "Sorry, there is a problem with the service"),
    ],
)
def test_each_error_has_its_page_and_keeps_its_status(failing_app, url, status, heading):
    response = failing_app.test_client().get(url)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    check_page(html)
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


@pytest.mark.parametrize("url", ["/sign-in", "/sign-up"])
def test_a_request_too_large_anywhere_gets_the_too_large_page(client_request, url):
    # Over MAX_CONTENT_LENGTH (2 MB): refused as the body is read, before any form sees it.
    response = client_request.client.post(url, data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    check_page(html)
    assert '<h1 class="govuk-heading-l">What you sent is too large</h1>' in html
    assert "up to 2 MB" in html and "Nothing you sent has been saved." in html


def test_one_form_field_too_large_gets_the_too_large_page(client_request):
    # Under MAX_CONTENT_LENGTH as a whole, but one field of a multipart form over MAX_FORM_MEMORY_SIZE.
    client_request.client.application.config["MAX_CONTENT_LENGTH"] = 8 * 1024 * 1024
    response = client_request.client.post(
        "/sign-in", data={"email": "x" * (3 * 1024 * 1024)}, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    check_page(html)
    assert "What you sent is too large" in html and "up to 8 MB" in html
