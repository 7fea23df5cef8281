import pytest

from covenant_portal.access import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

INVITEE = "jo.bennett@oldham.example"
INVITEE_PASSWORD = "saffron tunnel lighthouse river"


def test_an_admin_invites_an_la_contact_who_activates_their_account_and_signs_in(open_portal, live_server):
    admin = live_server.create_user(role=Role.ADMIN, full_name="Alex Admin")
    admin_portal = open_portal()
    admin_portal.sign_in(admin.email, PASSWORD)
    admin_portal.visit("/admin/users/invite")
    admin_portal.fill("Full name", "Jo Bennett")
    admin_portal.fill("Job title", "Commissioning officer")
    admin_portal.fill("Email address", INVITEE)
    admin_portal.choose("Local authority contact")
    admin_portal.press("Send invitation", expected_status=400)
    assert admin_portal.error_messages == ["Select the local authority they work for"]
    admin_portal.select("Local authority", "Oldham")
    admin_portal.press("Send invitation")
    assert admin_portal.heading == "Jo Bennett"
    assert f"We have emailed an invitation to Jo Bennett at {INVITEE}" in admin_portal.page.inner_text("body")

    invitee_portal = open_portal()
    invitee_portal.visit(live_server.link_in_email(INVITEE, "/activate/"))
    assert invitee_portal.heading == "Set up your account"
    assert "Oldham" in invitee_portal.text
    invitee_portal.fill("Create a password", INVITEE_PASSWORD)
    invitee_portal.fill("Confirm your password", INVITEE_PASSWORD)
    invitee_portal.press("Save password")
    assert invitee_portal.path == "/sign-in"

    invitee_portal.sign_in(INVITEE, INVITEE_PASSWORD)
    assert invitee_portal.heading == "Welcome, Jo Bennett"
    assert "Oldham" in invitee_portal.text


@pytest.mark.parametrize("javascript_enabled", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_the_local_authority_question_is_revealed_by_its_role(open_portal, live_server, javascript_enabled):
    """GOV.UK's conditional reveal: with JavaScript the question shows once "Local authority contact"
    is chosen, the radio naming it in aria-controls (never aria-expanded, which ARIA does not allow on
    a radio); without JavaScript it is always shown. Each state is checked by axe-core."""
    admin = live_server.create_user(role=Role.ADMIN)
    portal = open_portal(javascript_enabled)
    portal.sign_in(admin.email, PASSWORD)
    portal.visit("/admin/users/invite")
    radio = portal.page.get_by_label("Local authority contact", exact=True)
    question = portal.page.get_by_label("Local authority", exact=True)
    assert radio.get_attribute("aria-expanded") is None
    if not javascript_enabled:
        assert question.is_visible() and radio.get_attribute("aria-controls") is None
        return
    assert radio.get_attribute("aria-controls") == "conditional-role" and not question.is_visible()
    radio.check()
    assert question.is_visible() and radio.get_attribute("aria-expanded") is None
    portal.check()
    portal.choose(Role.ESCALATION_OFFICER.label)
    assert not question.is_visible() and radio.get_attribute("aria-expanded") is None
    portal.check()
    portal.press("Send invitation", expected_status=400)  # shown again as chosen, then checked
