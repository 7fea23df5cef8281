"""WCAG 1.4.10 reflow: at 320 CSS pixels wide, no page of any role makes the page scroll sideways
(wide tables scroll inside their own region instead, their captions wrapping within it), and each
still passes the page checks."""

import pytest

from tests.browser.test_every_page import pages_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 900}


def page_width(portal) -> int:
    return portal.page.evaluate("document.documentElement.scrollWidth")


# Each shown table region's caption that runs past the region's visible right edge (a caption is as
# wide as its table unless held to the region's width), and each shown region with no width at all (a
# region is a size container, so in a box as wide as its content it would shrink to nothing).
CAPTIONS_CUT_OFF = """() => [...document.querySelectorAll('.app-table-scroll')].filter(r => r.checkVisibility())
  .flatMap(region => {
    const box = region.getBoundingClientRect();
    if (region.clientWidth === 0) return [['region with no width', region.getAttribute('aria-label')]];
    return [...region.querySelectorAll('caption')]
      .filter(c => c.getBoundingClientRect().right > box.left + region.clientWidth + 0.5)
      .map(c => [Math.round(c.getBoundingClientRect().right), c.textContent.trim()]);
  })"""


@pytest.mark.parametrize("persona", ["anonymous", "admin", "provider_a", "la_contact", "escalation_officer"])
def test_every_page_reflows_at_320_pixels(open_portal, live_server, persona):
    world = live_server.build_world()
    portal = open_portal()
    portal.page.set_viewport_size(NARROW)
    if persona != "anonymous":
        portal.sign_in(getattr(world, persona).email, PASSWORD)
    too_wide = []
    cut_off = []
    for url, status in pages_for(persona, world, every_answer=False):
        fetched = portal.page.context.request.get(portal.base_url + url, max_redirects=0)
        if not fetched.headers.get("content-type", "").startswith("text/html"):
            continue
        portal.visit(url, expected_status=status)
        if page_width(portal) > NARROW["width"]:
            too_wide.append((url, page_width(portal)))
        cut_off += [(url, *caption) for caption in portal.page.evaluate(CAPTIONS_CUT_OFF)]
    assert too_wide == []
    assert cut_off == []


def test_a_witness_s_remove_button_is_in_view_and_takes_the_click_at_320_pixels(open_portal, live_server):
    """The witness column holds a long key: were it held in view as other tables' first columns are,
    it would cover the Remove button beside it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from covenant_portal.audit.service import Actor
    from covenant_portal.db import get_session, utcnow
    from covenant_portal.signing import checkpoints, note

    world = live_server.build_world()
    public = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    vkey = str(note.VerifierKey("witness.bolton.example/gm-first", note.COSIGNATURE_V1, public))
    with live_server.app.app_context():
        session = get_session()
        checkpoints.register_witness(session, Actor(world.admin.id), vkey, "Bolton Council", utcnow())
    portal = open_portal()
    portal.page.set_viewport_size(NARROW)
    portal.sign_in(world.admin.email, PASSWORD)
    portal.visit("/admin/witnesses")
    button = portal.page.get_by_role("button", name="Remove witness.bolton.example/gm-first")
    button.focus()
    portal.page.evaluate("document.activeElement.scrollIntoView({block: 'center'})")
    box = button.bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]
    assert portal.page.evaluate("([x, y]) => document.elementFromPoint(x, y) === document.activeElement", centre)
    assert page_width(portal) <= NARROW["width"]
