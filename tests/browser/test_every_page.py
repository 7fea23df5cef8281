"""Every page each persona can reach, as the authorization matrix lists them, passes the
accessibility check (the matrix test keeps that list complete)."""

import pytest

from covenant_portal.access import Role
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


def visit_each(portal, pages: list[tuple[str, int]]) -> None:
    """Visits each page; files the portal serves (a CSV download, say) are fetched, not shown."""
    for url, status in pages:
        fetched = portal.page.context.request.get(portal.base_url + url, max_redirects=0)
        assert fetched.status == status, (url, fetched.status)
        if fetched.headers.get("content-type", "").startswith("text/html"):
            portal.visit(url, expected_status=status)


def test_every_public_page_and_form_error_is_accessible(portal, live_server):
    world = live_server.build_world()
    visit_each(portal, pages_for("anonymous", world, every_answer=True))
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

    visit_each(portal, pages_for("admin", world, every_answer=True))
    portal.visit("/admin/mail-log")
    portal.click_link("You have been invited to the GM First Covenant Portal")
    assert portal.path.startswith("/admin/mail-log/")


# Provider B sees the same pages as provider A.
@pytest.mark.parametrize("persona", ["provider_a", "la_contact", "escalation_officer"])
def test_every_page_of_each_other_role_is_accessible(open_portal, live_server, persona):
    world = live_server.build_world()
    portal = open_portal()
    portal.sign_in(getattr(world, persona).email, PASSWORD)
    visit_each(portal, pages_for(persona, world, every_answer=False))
    portal.visit("/admin/users", expected_status=403)
