import pytest

from covenant_portal.access import Role
from tests.factories import create_user


@pytest.mark.parametrize("url", ["/", "/accessibility", "/privacy", "/cookies", "/sign-in"])
def test_public_pages_render_for_anyone(client_request, url):
    client_request.get(url)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_its_own_dashboard(client_request, db_session, role):
    user = create_user(db_session, role=role)
    client_request.login(user)
    html = client_request.get("/dashboard").get_data(as_text=True)
    # The factory's provider user is an organisation admin, and the caption says so.
    assert ("Organisation admin" if role == Role.PROVIDER else role.label) in html
    assert user.full_name in html


def test_dashboard_sends_anonymous_users_to_sign_in(client_request):
    response = client_request.get("/dashboard", expected_status=302)
    assert response.location.startswith("/sign-in?next=")


def test_the_footer_is_the_portals_own_with_no_crown_crest_or_licence(client_request):
    html = client_request.get("/").get_data(as_text=True)
    footer = html[html.index("<footer"):html.index("</footer>")]
    assert "GM First Covenant Portal" in footer and "Greater Manchester local authorities" in footer
    for link in ("/accessibility", "/privacy", "/cookies"):
        assert f'href="{link}"' in footer
    for government_mark in ("govuk-footer__crown", "govuk-footer__copyright-logo", "govuk-footer__licence",
                            "Open Government Licence", "Crown copyright", "<svg"):
        assert government_mark not in footer, government_mark


def test_the_phase_banner_is_inside_a_landmark(client_request):
    html = client_request.get("/").get_data(as_text=True)
    header = html[html.index("<header"):html.index("</header>")]
    assert "govuk-phase-banner" in header
