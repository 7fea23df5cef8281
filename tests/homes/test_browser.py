"""A provider records a home in a real browser; every page on the way passes the accessibility check."""

import pytest

from covenant_portal.access import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_an_organisation_admin_records_a_home_and_an_la_contact_sees_it(open_portal, live_server):
    admin = live_server.create_user(role=Role.PROVIDER, full_name="Olu Admin")
    provider = open_portal(javascript_enabled=False)
    provider.sign_in(admin.email, PASSWORD)
    provider.click_link("Homes")
    provider.press("Add a home or service")
    provider.fill("Name of the home or service", "Oak House")
    provider.fill("Youngest age", "16")
    provider.fill("Oldest age", "12")
    provider.press("Save home", expected_status=400)
    assert provider.error_messages == [
        "Select the local authority the home is in",
        "Select the type of home or service",
        "Enter the number of registered places",
        "Oldest age must be the same as or more than the youngest age",
        "Select whether the home is open, planned or closed",
    ]
    provider.select("Local authority the home is in", "Bolton")
    provider.choose("Children’s home")
    provider.fill("Registered places", "4")
    provider.fill("Youngest age", "8")
    provider.fill("Oldest age", "17")
    provider.choose("Mental health (complex care)")
    provider.choose("Open")
    provider.press("Save home")
    assert provider.heading == "Oak House"
    assert "Mental health (complex care)" in provider.text and "8 to 17" in provider.text
    provider.press("Change this home")
    provider.choose("Planned")
    provider.press("Save home")
    assert "Oak House has been updated" in provider.text and "Planned" in provider.text

    bolton = live_server.create_user(role=Role.LA_CONTACT)
    la = open_portal()
    la.sign_in(bolton.email, PASSWORD)
    la.click_link("Homes")
    assert la.heading == "Homes in Bolton"
    assert "Oak House" in la.text and admin.organisation.name in la.text
