"""A browser tab on the live portal that checks every page it shows for accessibility.

Each page the tab loads is run through axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) and the
test fails on any violation of serious or critical impact. The browser console is watched too:
an error there is usually the strict Content Security Policy refusing an inline script or style.
"""

import re
from collections import Counter
from pathlib import Path

from playwright.sync_api import Browser, Page, Response

from covenant_portal.security import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = ("serious", "critical")


def content_security_policy(**overrides: str) -> str:
    """The portal's Content-Security-Policy header, with some directives changed."""
    policy = CONTENT_SECURITY_POLICY | {name.replace("_", "-"): value for name, value in overrides.items()}
    return "; ".join(f"{name} {sources}" for name, sources in policy.items())


# The copy of a page seen without JavaScript is checked under the portal's policy, its scripts refused.
COPY_CSP = content_security_policy(script_src="'none'")

# Nothing is set aside. (GOV.UK Frontend marks a radio or checkbox that reveals a follow-up question
# aria-expanded, which ARIA does not allow there, govuk-frontend issue 979: the portal's init.js
# takes it off again, so axe-core's aria-allowed-attr holds on those pages too.)
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations
    .map((v) => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" "))}));
}"""


def axe_source() -> str:
    assert AXE_SOURCE.exists(), f"{AXE_SOURCE} is missing: run `npm ci` (or `make install`)"
    return AXE_SOURCE.read_text(encoding="utf-8")


class AccessibilityChecker:
    """Runs axe-core in a page.

    Scripts are injected through the DevTools protocol, which the page's CSP does not govern. A page
    loaded with JavaScript off cannot run axe at all (Chromium suspends its timers), so such a page
    is checked as a copy of its markup, served at its own address in a scripting tab of the same
    browser with the portal's scripts refused: what is checked is what the no-JavaScript user sees.
    """

    def __init__(self, browser: Browser):
        self.browser = browser
        self.source = axe_source()
        self._copy_tab: Page | None = None

    def violations(self, page: Page, javascript_enabled: bool) -> list[dict]:
        target = page if javascript_enabled else self._copy_of(page)
        target.evaluate(self.source)
        found = target.evaluate(RUN_AXE, AXE_TAGS)
        return [violation for violation in found if violation["impact"] in FAILING_IMPACTS]

    def _copy_of(self, page: Page) -> Page:
        if self._copy_tab is None:
            self._copy_tab = self.browser.new_page()
        markup = page.content()
        self._copy_tab.route(
            page.url,
            lambda route: route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": COPY_CSP},
                body=markup,
            ),
            times=1,
        )
        self._copy_tab.goto(page.url)
        return self._copy_tab

    def close(self) -> None:
        if self._copy_tab is not None:
            self._copy_tab.close()


def describe(violations: list[dict]) -> str:
    return "\n".join(f"- {v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['targets'])}" for v in violations)


# Tags a template would put in a page: seen in the page's visible text, they were escaped by mistake.
SHOWN_TAG = re.compile(r"</?(?:a|p|span|strong|em|div|br|ul|ol|li|code|h[1-6]|table|td|th|tr)(?:\s[^<>]*)?/?>", re.I)


def visible_markup(text: str) -> list[str]:
    return SHOWN_TAG.findall(text)


class PortalPage:
    """One person's browser tab. Every way of moving to a page checks the page it arrives at."""

    def __init__(self, page: Page, base_url: str, checker: AccessibilityChecker, javascript_enabled: bool):
        self.page = page
        self.base_url = base_url
        self.checker = checker
        self.javascript_enabled = javascript_enabled
        self.loaded: list[str] = []
        self.checked: list[str] = []
        self.console_errors: list[str] = []
        page.on("load", lambda: self.loaded.append(page.url))
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _on_console(self, message) -> None:
        # Chromium logs every 4xx document as a failed load; a form shown again with errors is a 400.
        failed_document_load = message.text.startswith("Failed to load resource") and (
            message.location.get("url") == self.page.url
        )
        if message.type == "error" and not failed_document_load:
            self.console_errors.append(message.text)

    # Moving around

    def visit(self, path_or_url: str, expected_status: int = 200) -> Response:
        url = path_or_url if path_or_url.startswith("http") else self.base_url + path_or_url
        response = self.page.goto(url)
        self._arrived(response, expected_status)
        return response

    def press(self, button: str, expected_status: int = 200) -> None:
        """Presses a button (one that submits a form, or a link styled as a button) and checks the
        page that comes back."""
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name=button, exact=True).click()
        self._arrived(navigation.value, expected_status)

    def click_link(self, text: str, expected_status: int = 200) -> None:
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("link", name=text, exact=True).first.click()
        self._arrived(navigation.value, expected_status)

    def _arrived(self, response: Response | None, expected_status: int) -> None:
        self.check()
        assert response is not None and response.status == expected_status, (
            self.page.url,
            response and response.status,
        )

    # Filling in forms

    def fill(self, label: str, value: str) -> None:
        self.page.get_by_label(label, exact=True).fill(value)

    def choose(self, label: str) -> None:
        self.page.get_by_label(label, exact=True).check()

    def select(self, label: str, option: str) -> None:
        self.page.get_by_label(label, exact=True).select_option(label=option)

    def sign_in(self, email: str, password: str, expected_status: int = 200) -> None:
        self.visit("/sign-in")
        self.fill("Email address", email)
        self.fill("Password", password)
        self.press("Sign in", expected_status)

    # Reading the page

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    @property
    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    @property
    def text(self) -> str:
        return self.page.locator("main").inner_text()

    @property
    def error_messages(self) -> list[str]:
        return [text.strip() for text in self.page.locator(".govuk-error-summary__list li").all_inner_texts()]

    # Checks

    def check(self) -> None:
        violations = self.checker.violations(self.page, self.javascript_enabled)
        self.checked.append(self.page.url)
        markup = visible_markup(self.page.locator("body").inner_text())
        assert not markup, f"HTML markup shown as text on {self.page.url}: {markup}"
        assert not violations, f"accessibility violations on {self.page.url}:\n{describe(violations)}"
        assert not self.console_errors, f"browser console errors on {self.page.url}: {self.console_errors}"

    def assert_every_page_was_checked(self) -> None:
        unchecked = list((Counter(self.loaded) - Counter(self.checked)).elements())
        assert not unchecked, f"pages loaded without an accessibility check: {unchecked}"
