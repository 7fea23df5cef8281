"""A step sent from a second tab opened before the concern moved on, in a browser without
JavaScript on a 320 px wide screen: the step's page comes back (409) saying who took a step
meanwhile, with the concern as it is now and what was typed kept; from there it is sent again."""

from types import SimpleNamespace

import pytest

from covenant_portal.access import Role
from covenant_portal.concerns import service
from covenant_portal.db import get_session, utcnow
from tests.browser.portal import PortalPage
from tests.concerns.helpers import about_la
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def no_sideways_scroll(portal: PortalPage) -> bool:
    return portal.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_proposal_from_a_second_tab_keeps_what_was_typed_to_send_again(open_portal, live_server):
    provider = live_server.create_user(role=Role.PROVIDER)
    contact = live_server.create_user(role=Role.LA_CONTACT, full_name="Bolton Contact")
    with live_server.app.app_context():
        session = get_session()
        details = about_la(SimpleNamespace(la_contact=contact))
        concern = service.raise_concern(session, session.merge(provider), details, utcnow())
        service.acknowledge(session, concern, session.merge(contact), utcnow())
        path = f"/concerns/{concern.id}"

    first = open_portal(javascript_enabled=False)
    first.page.set_viewport_size({"width": 320, "height": 800})
    first.sign_in(contact.email, PASSWORD)
    second = PortalPage(first.page.context.new_page(), first.base_url, first.checker, javascript_enabled=False)
    second.page.set_viewport_size({"width": 320, "height": 800})
    first.visit(f"{path}/propose")
    second.visit(f"{path}/propose")

    first.fill("What do you propose to resolve it?", "We will resend the plan.")
    first.press("Propose the resolution")
    second.fill("What do you propose to resolve it?", "We will call the home every week.")
    second.press("Propose the resolution", expected_status=409)

    assert second.heading == "This concern was changed by you (in another tab) while you had it open"
    assert "Nothing was saved. It is now resolution proposed." in second.text
    assert "We will resend the plan." in second.page.locator("#concern-now").inner_text()
    assert second.page.get_by_label("What do you propose to resolve it?").input_value() == (
        "We will call the home every week."
    )
    assert no_sideways_scroll(second)
    second.press("Propose the resolution")
    assert second.path == path and "We will call the home every week." in second.text
    second.assert_every_page_was_checked()
