import pytest

pytestmark = pytest.mark.browser

EMAIL = "sam.okafor@brightwater-homes.example"
PASSWORD = "kettle lantern orchard mosaic"


def test_a_new_provider_signs_up_confirms_their_email_and_signs_in(portal, live_server):
    portal.visit("/")
    portal.press("Sign up as a provider")
    assert portal.heading == "Create an account for your organisation"

    portal.press("Create account", expected_status=400)
    assert "Enter the name of your organisation" in portal.error_messages

    portal.fill("Organisation name", "Brightwater Children's Homes Ltd")
    portal.fill("Companies House number (optional)", "01234567")
    portal.fill("Full name", "Sam Okafor")
    portal.fill("Job title", "Registered manager")
    portal.fill("Email address", EMAIL)
    portal.fill("Create a password", PASSWORD)
    portal.fill("Confirm your password", PASSWORD)
    portal.press("Create account")
    assert portal.heading == "Check your email"
    assert EMAIL in portal.text

    portal.sign_in(EMAIL, PASSWORD, expected_status=400)
    assert portal.error_messages == ["Enter a correct email address and password"], "not confirmed yet"

    portal.visit(live_server.link_in_email(EMAIL, "/verify-email/"))
    assert portal.path == "/sign-in"
    assert "Your email address is confirmed" in portal.page.inner_text("body")

    portal.sign_in(EMAIL, PASSWORD)
    assert portal.path == "/dashboard"
    assert portal.heading == "Welcome, Sam Okafor"
    assert "Brightwater Children's Homes Ltd, as its organisation admin" in portal.text
