"""The test client pages are read through (tests/conftest.py ClientRequest, tests/page.py Page): it
takes endpoint names, parses the page, and fails a redirect whose destination the test does not
state or that goes elsewhere."""

import pytest

from covenant_portal.access import Role
from tests.factories import PASSWORD, create_user
from tests.page import Page


def test_a_page_is_requested_by_its_endpoint_and_read_parsed(client_request):
    page = client_request.get_page("pages.privacy")
    assert page.title == "Privacy notice"
    assert page.h1 == "Privacy notice"
    assert "We hold the names, job titles" in page.text
    assert "We hold the names, job titles" in page
    assert client_request.get("pages.privacy").page.h1 == "Privacy notice"
    assert client_request.url_for("accounts.login", next="/dashboard") == "/sign-in?next=/dashboard"


def test_a_page_with_view_arguments_is_built_from_them(client_request, db_session):
    admin = create_user(db_session, Role.ADMIN)
    colleague = create_user(db_session, Role.LA_CONTACT, full_name="Bea of Bolton")
    client_request.login(admin)
    page = client_request.get_page("admin.user_detail", user_id=colleague.id)
    assert page.h1 == "Bea of Bolton"
    assert page.summary_list()["Email address"] == colleague.email


def test_a_redirect_must_say_where_it_goes(client_request):
    with pytest.raises(AssertionError, match="say where it goes"):
        client_request.get("/dashboard", expected_status=302)
    with pytest.raises(AssertionError, match="say where it goes"):
        client_request.post("/sign-out", form_url="/sign-in")


def test_a_redirect_elsewhere_fails(client_request):
    client_request.get("pages.dashboard", expected_redirect="/sign-in?next=%2Fdashboard")
    client_request.get("pages.dashboard", expected_redirect="accounts.login")
    with pytest.raises(AssertionError, match="not /sign-in\n"):
        client_request.get("pages.dashboard", expected_redirect="/sign-in")
    with pytest.raises(AssertionError, match=r"\(accounts.login\), not to pages.home"):
        client_request.get("pages.dashboard", expected_redirect="pages.home")


def test_an_error_page_is_read_too(client_request, db_session):
    client_request.login(create_user(db_session, Role.PROVIDER))
    assert (
        client_request.get_page("admin.users", expected_status=403).h1 == "You do not have permission to see this page"
    )
    assert client_request.get("/no-such-page", expected_status=404).page.title == "Page not found"


def test_a_page_that_does_not_redirect_fails_an_expected_redirect(client_request):
    with pytest.raises(AssertionError, match="not a redirect"):
        client_request.get("pages.privacy", expected_status=200, expected_redirect="pages.home")


def test_a_form_is_posted_to_its_endpoint_and_its_errors_read(client_request, db_session):
    user = create_user(db_session, Role.PROVIDER)
    page = client_request.post("accounts.login", {"email": user.email}, expected_status=400).page
    assert page.title == "Error: Sign in"
    assert page.error_summary == ["Enter your password"]
    assert page.error_for("password") == "Enter your password"
    assert page.error_for("email") == ""
    assert page.value_of("email") == user.email
    client_request.post("accounts.login", {"email": user.email, "password": PASSWORD}, expected_redirect="/dashboard")
    assert client_request.get_page("pages.dashboard").h1


def test_a_page_reads_its_components():
    page = Page(
        """<html><head><title>Your return – GM First Covenant Portal</title></head><body>
        <header><a href="/">Portal</a></header>
        <main><h1>Your   return</h1>
        <dl class="govuk-summary-list">
          <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Period</dt>
            <dd class="govuk-summary-list__value">Q1 2026
              to 2027</dd></div>
        </dl>
        <table><tr><th>Home</th><th>Places</th></tr><tr><td>Oak House</td><td>4</td></tr></table>
        <a href="/returns/3">Change <span class="govuk-visually-hidden">period</span></a>
        <input type="radio" name="status" value="met"><input type="radio" name="status" value="not_met" checked>
        <textarea name="narrative">As we said.</textarea>
        </main></body></html>"""
    )
    assert page.title == "Your return"
    assert page.h1 == "Your return"
    assert "Portal" in page and "Portal" not in page.text  # on the page, in its header: not in the main part
    assert "Q1 2026 to 2027" in page.text
    assert page.summary_list() == {"Period": "Q1 2026 to 2027"}
    assert page.table() == [["Home", "Places"], ["Oak House", "4"]]
    assert page.link("Change period") == "/returns/3"
    assert page.links() == {"Change period": "/returns/3"}  # the main part's links only
    assert page.value_of("status") == "not_met"
    assert page.value_of("narrative") == "As we said."
    assert page.error_summary == [] and page.error_messages == []
    with pytest.raises(AssertionError, match="no link 'Portal'"):
        page.link("Portal")
