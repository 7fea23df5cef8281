"""Named contacts on both sides in a real browser; every page on the way passes the accessibility check."""

import pytest

from covenant_portal.access import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_provider_names_changes_and_removes_a_contact(open_portal, live_server):
    admin = live_server.create_user(role=Role.PROVIDER, full_name="Olu Admin")
    provider = open_portal(javascript_enabled=False)
    provider.sign_in(admin.email, PASSWORD)
    provider.click_link("Named contacts")
    assert "Your organisation has no named contact" in provider.text
    provider.press("Add a named contact")
    provider.fill("Full name", "Priya Shah")
    provider.fill("Telephone number", "12345")
    provider.press("Save contact", expected_status=400)
    assert provider.error_messages == [
        "Enter the contact’s role",
        "Enter the contact’s email address",
        "Enter a UK telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
    ]
    provider.fill("Role", "Placements lead")
    provider.fill("Email address", "priya@provider.example")
    provider.fill("Telephone number", "07700 900 982")
    provider.press("Save contact")
    assert "Priya Shah is now a named contact" in provider.text and "All homes" in provider.text
    provider.click_link("Change (Priya Shah)")
    provider.fill("Role", "Head of placements")
    provider.press("Save contact")
    provider.press("Remove Priya Shah")
    assert provider.heading == "Remove Priya Shah as a named contact?"
    provider.press("Remove Priya Shah")
    assert "Your organisation now has no named contact" in provider.text
    provider.click_link("See every change to your named contacts")
    assert provider.text.count("Priya Shah") == 2 and "Removed" in provider.text


def test_an_la_contact_is_named_and_providers_find_them_in_the_directory(open_portal, live_server):
    bolton = live_server.create_user(role=Role.LA_CONTACT, full_name="Bea Bolton")
    la = open_portal()
    la.sign_in(bolton.email, PASSWORD)
    la.click_link("Named contact")
    la.fill("Telephone number for providers", "01204 333 333")
    la.press("Become a named contact")
    assert "You are now a named contact for Bolton" in la.text

    admin = open_portal()
    admin.sign_in(live_server.create_user(role=Role.ADMIN).email, PASSWORD)
    admin.click_link("LA contacts")
    assert admin.text.count("No named contact") == 9 + 1  # nine rows flagged, and the warning
    admin.visit("/directory")

    provider = open_portal(javascript_enabled=False)
    provider.sign_in(live_server.create_user(role=Role.PROVIDER).email, PASSWORD)
    provider.click_link("LA contacts")
    assert "Bea Bolton" in provider.text and "01204 333 333" in provider.text
    assert provider.text.count("No named contact yet") == 9
