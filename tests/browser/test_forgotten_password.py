import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "harbour violin meadow copper"


def test_a_user_who_forgot_their_password_resets_it_from_the_email_and_signs_in(portal, live_server):
    user = live_server.create_user(full_name="Priya Shah")
    portal.visit("/sign-in")
    portal.click_link("I have forgotten my password")
    assert portal.path == "/forgotten-password"
    portal.fill("Email address", user.email)
    portal.press("Send the link")
    assert portal.heading == "Check your email"

    portal.visit(live_server.link_in_email(user.email, "/reset-password/"))
    assert portal.heading == "Choose a new password"
    portal.fill("Create a password", NEW_PASSWORD)
    portal.fill("Confirm your password", "something else entirely")
    portal.press("Save password", expected_status=400)
    assert portal.error_messages == ["Passwords do not match: enter the same password twice"]
    portal.fill("Create a password", NEW_PASSWORD)
    portal.fill("Confirm your password", NEW_PASSWORD)
    portal.press("Save password")
    assert portal.path == "/sign-in"

    portal.sign_in(user.email, PASSWORD, expected_status=400)
    assert portal.error_messages == ["Enter a correct email address and password"], "the old password must not work"
    portal.sign_in(user.email, NEW_PASSWORD)
    assert portal.heading == "Welcome, Priya Shah"
