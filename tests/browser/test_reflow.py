"""WCAG 1.4.10 reflow: at 320 CSS pixels wide, no page of any role makes the page scroll sideways
(wide tables scroll inside their own region instead), and each still passes the page checks."""

import pytest

from tests.browser.test_every_page import pages_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 900}


def page_width(portal) -> int:
    return portal.page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("persona", ["anonymous", "admin", "provider_a", "la_contact", "escalation_officer"])
def test_every_page_reflows_at_320_pixels(open_portal, live_server, persona):
    world = live_server.build_world()
    portal = open_portal()
    portal.page.set_viewport_size(NARROW)
    if persona != "anonymous":
        portal.sign_in(getattr(world, persona).email, PASSWORD)
    too_wide = []
    for url, status in pages_for(persona, world, every_answer=False):
        fetched = portal.page.context.request.get(portal.base_url + url, max_redirects=0)
        if not fetched.headers.get("content-type", "").startswith("text/html"):
            continue
        portal.visit(url, expected_status=status)
        if page_width(portal) > NARROW["width"]:
            too_wide.append((url, page_width(portal)))
    assert too_wide == []
