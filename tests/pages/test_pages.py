import pytest

from covenant_portal.access import Role
from tests.factories import create_user
from tests.page import text_of


@pytest.mark.parametrize(
    "endpoint", ["pages.home", "pages.accessibility", "pages.privacy", "pages.cookies", "accounts.login"]
)
def test_public_pages_render_for_anyone(client_request, endpoint):
    page = client_request.get_page(endpoint)
    assert len(page.select("h1")) == 1 and page.h1, "one main heading"


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_its_own_dashboard(client_request, db_session, role):
    user = create_user(db_session, role=role)
    client_request.login(user)
    page = client_request.get_page("pages.dashboard")
    # The factory's provider user is an organisation admin, and the caption says so.
    assert ("Organisation admin" if role == Role.PROVIDER else role.label) in page
    assert user.full_name in page


def test_dashboard_sends_anonymous_users_to_sign_in(client_request):
    response = client_request.get("pages.dashboard", expected_redirect="/sign-in?next=%2Fdashboard")
    assert response.location.startswith("/sign-in?next=")


def test_the_footer_is_the_portals_own_with_no_crown_crest_or_licence(client_request):
    footer = client_request.get_page("pages.home").select_one("footer")
    assert "GM First Covenant Portal" in text_of(footer) and "Greater Manchester local authorities" in text_of(footer)
    links = [link["href"] for link in footer.select("a[href]")]
    for link in ("/accessibility", "/privacy", "/cookies"):
        assert link in links
    for government_mark in (
        "govuk-footer__crown",
        "govuk-footer__copyright-logo",
        "govuk-footer__licence",
        "Open Government Licence",
        "Crown copyright",
        "<svg",
    ):
        assert government_mark not in str(footer), government_mark


def test_the_phase_banner_is_inside_a_landmark(client_request):
    assert client_request.get_page("pages.home").select("header .govuk-phase-banner")
