"""Every page each persona can reach, as the authorization matrix lists them, passes the
accessibility check (the matrix test keeps that list complete)."""
import pytest

from covenant_portal.accounts.models import Role
from tests.authorization.matrix import all_routes
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PAGES = [route for route in all_routes() if route.method == "GET"]


def pages_for(persona: str, world, every_answer: bool) -> list[tuple[str, int]]:
    """(URL, status) of each page the persona is shown: with every_answer, error pages too; redirects
    are left out (they land on pages of their own)."""
    pages = []
    for route in PAGES:
        status = route.status_for(persona)
        if status == 200 or (every_answer and status >= 400):
            pages.append((route.url.format(w=world), status))
    return pages


def test_every_public_page_and_form_error_is_accessible(portal, live_server):
    world = live_server.build_world()
    for url, status in pages_for("anonymous", world, every_answer=True):
        portal.visit(url, expected_status=status)
    for form_url, button in [
        ("/sign-in", "Sign in"),
        ("/sign-up", "Create account"),
        ("/forgotten-password", "Send the link"),
        ("/verify-email/resend", "Send the link"),
    ]:
        portal.visit(form_url)
        portal.press(button, expected_status=400)
        assert portal.error_messages, f"{form_url} sent empty shows no errors"


def test_every_admin_page_is_accessible(portal, live_server):
    world = live_server.build_world()
    portal.sign_in(world.admin.email, PASSWORD)
    # Something in every list: an invitation (an email, audit events) and a run of a job.
    portal.visit("/admin/users/invite")
    portal.press("Send invitation", expected_status=400)
    portal.fill("Full name", "Erin Escalation")
    portal.fill("Job title", "Head of commissioning")
    portal.fill("Email address", "erin@gm-escalation.example")
    portal.choose(Role.ESCALATION_OFFICER.label)
    portal.press("Send invitation")
    live_server.run_job("send_outbox")

    for url, status in pages_for("admin", world, every_answer=True):
        portal.visit(url, expected_status=status)
    portal.visit("/admin/mail-log")
    portal.click_link("You have been invited to the GM First Covenant Portal")
    assert portal.path.startswith("/admin/mail-log/")


# Provider B sees the same pages as provider A.
@pytest.mark.parametrize("persona", ["provider_a", "la_contact", "escalation_officer"])
def test_every_page_of_each_other_role_is_accessible(open_portal, live_server, persona):
    world = live_server.build_world()
    portal = open_portal()
    portal.sign_in(getattr(world, persona).email, PASSWORD)
    for url, status in pages_for(persona, world, every_answer=False):
        portal.visit(url, expected_status=status)
    portal.visit("/admin/users", expected_status=403)
