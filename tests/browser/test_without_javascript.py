"""Every page works without JavaScript: signing in and out with scripts off."""

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_signing_in_and_out_works_without_javascript(open_portal, live_server):
    user = live_server.create_user(full_name="Noor Hussain")
    portal = open_portal(javascript_enabled=False)
    portal.visit("/dashboard")
    assert portal.path == "/sign-in?next=%2Fdashboard"

    portal.fill("Email address", user.email)
    portal.press("Sign in", expected_status=400)
    assert portal.error_messages == ["Enter your password"]
    assert portal.page.get_by_label("Email address", exact=True).input_value() == user.email

    portal.fill("Password", PASSWORD)
    portal.press("Sign in")
    assert portal.path == "/dashboard"
    assert portal.heading == "Welcome, Noor Hussain"
    assert "js-enabled" not in portal.page.get_attribute("body", "class")

    portal.click_link("Sign out")
    portal.press("Sign out")
    assert portal.path == "/sign-in"
    assert "You have signed out." in portal.page.inner_text("body")
