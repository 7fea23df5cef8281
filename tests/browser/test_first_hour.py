"""Each role's first hour on the demo data (`seed-demo`, seeded once for the module): from its
dashboard, what it is asked to do, and doing it. Every page visited is checked at 1280 and at
320 CSS pixels wide: axe-core, HTML markup shown as text, and reflow (no sideways scrolling)."""

import re
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from covenant_portal.access import Role
from covenant_portal.db import get_session, utcnow
from covenant_portal.demo import PASSWORDS, DemoSettings, seed_demo
from tests.browser.portal import AccessibilityChecker, PortalPage
from tests.conftest import AppSnapshot, reset_committed_data

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 900}
DEMO = "@demo.gm-first.example"


class BothWidths(PortalPage):
    """A tab whose every page is checked wide and narrow, and must reflow at 320 pixels."""

    def check(self) -> None:
        self.page.set_viewport_size(WIDE)
        super().check()
        self.page.set_viewport_size(NARROW)
        super().check()
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"{self.page.url} is {width} pixels wide at {NARROW['width']}"
        self.page.set_viewport_size(WIDE)


@pytest.fixture(scope="module")
def demo_url(shared_committed_app, migrated_engine) -> Iterator[str]:
    """The portal with the demo data, served for the module (seeding takes some seconds)."""
    app = shared_committed_app
    snapshot = AppSnapshot(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config.update(BASE_URL=base_url)
    with app.app_context():
        seed_demo(get_session(), DemoSettings.from_app(app), utcnow())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join()
    app.extensions["db"].engine.dispose()
    snapshot.restore()
    reset_committed_data(migrated_engine)


@pytest.fixture
def sign_in_as(browser, demo_url):
    """Opens a browser for a demo login and signs in: its dashboard is the first page."""
    checker = AccessibilityChecker(browser)
    opened = []

    def open_(login: str, role: Role) -> BothWidths:
        context = browser.new_context(viewport=WIDE)
        context.set_default_timeout(10_000)
        portal = BothWidths(context.new_page(), demo_url, checker, True)
        opened.append((context, portal))
        portal.sign_in(login + DEMO, PASSWORDS[role])
        assert portal.path == "/dashboard"
        return portal

    yield open_
    checker.close()
    for context, portal in opened:
        context.close()
        portal.assert_every_page_was_checked()


def click_matching(portal: PortalPage, pattern: str) -> str:
    """Follows the first link whose words match `pattern`; its words."""
    link = portal.page.get_by_role("link", name=re.compile(pattern)).first
    words = link.inner_text()
    with portal.page.expect_navigation() as navigation:
        link.click()
    portal._arrived(navigation.value, 200)
    return words


def open_first_unfinished_section(portal: PortalPage) -> str:
    """On the task list: opens the first section not yet completed; its title."""
    item = portal.page.locator(".govuk-task-list__item").filter(has_not_text="Completed").first
    title = item.locator("a").inner_text()
    portal.click_link(title)
    return title


def fill_section(portal: PortalPage) -> None:
    """Answers the section open in the browser as a provider would (all met, no vacancies)."""
    if portal.page.get_by_label("Met", exact=True).count():
        portal.choose("Met")
    for vacant in portal.page.locator("input[name$='_vacant_places']").all():
        if not vacant.input_value():
            vacant.fill("0")
    contacts = portal.page.get_by_label("These are our named contacts for vacancies and referrals", exact=True)
    if contacts.count():
        contacts.check()


def test_a_provider_organisation_admin_finishes_and_signs_the_quarterly_return(sign_in_as):
    portal = sign_in_as("tame.admin", Role.PROVIDER)
    assert "as its organisation admin" in portal.text
    action = click_matching(portal, r"return due .*: \d+ of 13 sections done")
    done = int(re.search(r"(\d+) of 13", action).group(1))
    assert portal.heading.startswith("Your return for")
    return_path = portal.path
    open_first_unfinished_section(portal)
    while portal.heading != "Check your answers":  # each "Save and continue" goes to the next section
        before = portal.path
        fill_section(portal)
        portal.press("Save and continue")
        assert portal.path != before
        assert portal.path.startswith(return_path)
    assert portal.path == f"{return_path}/check"
    assert done < 13 and "You cannot sign the return yet" not in portal.text
    # Check answers shows each pledge's wording, then the declaration and the sign button.
    assert portal.page.locator("#check-pledges .app-pledge-wording").count() == 11
    assert "Now send your return" in portal.text
    portal.page.locator("#confirm").check()
    portal.press("Sign and submit the return")
    assert portal.page.locator("h1.govuk-panel__title").inner_text() == "Return signed"
    assert re.search(r"Made under version \d of the covenant", portal.text)


def test_a_provider_colleague_sees_its_admins_and_continues_the_draft(sign_in_as):
    portal = sign_in_as("hollins.colleague", Role.PROVIDER)
    assert "Hollins Admin" in portal.text  # who the organisation admins are
    click_matching(portal, r"return due .*: \d+ of 13 sections done")
    task_list = portal.path
    completed = int(re.search(r"You have completed (\d+) of 13 sections", portal.text).group(1))
    title = open_first_unfinished_section(portal)
    assert portal.heading == title
    fill_section(portal)
    portal.press("Save and continue")
    assert portal.heading != title  # on to the next section
    second = portal.heading
    portal.press("Save and return to the task list")  # its answer from last quarter, reviewed as it is
    assert portal.path == task_list
    assert f"{second} has been saved" in portal.text
    assert f"You have completed {completed + 2} of 13 sections" in portal.text


def test_an_la_contact_opens_a_providers_return_and_sees_the_escalation(sign_in_as):
    portal = sign_in_as("rochdale.contact", Role.LA_CONTACT)
    assert "Hollins Brook Care Ltd" in portal.text  # asked to chase re-signing the covenant
    click_matching(portal, r"^See every provider’s return for ")
    assert portal.path.startswith("/la/returns")
    submitted = portal.page.locator("tbody tr").filter(has_text="Submitted").first
    provider = submitted.locator("a").first.inner_text()
    portal.click_link(provider)
    assert portal.heading == provider
    assert "Signed by" in portal.text
    # The chase: the returns escalated to the LA, for any period.
    portal.visit("/la/returns?state=escalated")
    portal.select("Period", portal.page.locator("#period option").filter(has_text="Q1").first.inner_text())
    portal.press("Apply filters")
    assert "Pennine Fostering Partnership" in portal.text and "Escalated" in portal.text


def test_an_escalation_officer_opens_the_escalated_returns(sign_in_as):
    portal = sign_in_as("escalation", Role.ESCALATION_OFFICER)
    action = click_matching(portal, r"^\d+ returns? escalated: ")
    provider = action.split(": ", 1)[1]
    assert "state=escalated" in portal.path
    row = portal.page.locator("tbody tr").filter(has_text=provider)
    assert "Escalated" in row.inner_text()
    portal.visit("/dashboard")
    click_matching(portal, r"^overview of quarterly returns$")
    assert "Escalated" in portal.text


def test_an_admin_sees_who_must_re_sign_the_covenant_versions_and_the_audit_trail_in_words(sign_in_as):
    portal = sign_in_as("admin", Role.ADMIN)
    click_matching(portal, r"^\d+ providers? (has|have) not signed version 2 of the covenant$")
    assert "version 1" in portal.text.lower()
    portal.visit("/dashboard")
    click_matching(portal, r"^versions of the covenant$")
    click_matching(portal, r"[Vv]ersion 2")
    assert "version 2" in portal.text.lower()
    portal.visit("/dashboard")
    click_matching(portal, r"^audit trail$")
    assert "Signed the covenant" in portal.text
    # Each event's action is said in words first (its code only under them, in small print).
    actions = [
        cell.split("\n")[0] for cell in portal.page.locator("tbody tr td:has(.app-secondary-text)").all_inner_texts()
    ]
    assert actions and not [action for action in actions if re.fullmatch(r"[a-z_]+\.[a-z_.]+", action)]
