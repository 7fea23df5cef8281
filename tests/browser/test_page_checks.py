"""The checks every browser test relies on must catch what they are for."""

import pytest

from tests.browser.portal import content_security_policy

pytestmark = pytest.mark.browser

# No language, and an image without alternative text.
INACCESSIBLE = """<!DOCTYPE html><html><head><title>Broken</title></head><body><main>
<h1>Broken</h1><img src="/static/app/favicon.svg"></main></body></html>"""
WITH_INLINE_SCRIPT = """<!DOCTYPE html><html lang="en"><head><title>Script</title></head><body><main>
<h1>Script</h1><script>document.title = "ran";</script></main></body></html>"""


def serve(portal, path: str, html: str) -> None:
    """Answers `path` on the live portal's address with `html`, under the portal's own CSP."""
    portal.page.route(
        portal.base_url + path,
        lambda route: route.fulfill(
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": content_security_policy()},
            body=html,
        ),
    )


@pytest.mark.parametrize("javascript_enabled", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_a_page_with_serious_accessibility_problems_fails(open_portal, javascript_enabled):
    portal = open_portal(javascript_enabled)
    serve(portal, "/broken", INACCESSIBLE)
    with pytest.raises(AssertionError) as failure:
        portal.visit("/broken")
    for problem in ("html-has-lang", "image-alt"):
        assert problem in str(failure.value)


def test_a_script_the_content_security_policy_refuses_fails(portal):
    serve(portal, "/inline-script", WITH_INLINE_SCRIPT)
    with pytest.raises(AssertionError, match="Content Security Policy"):
        portal.visit("/inline-script")


def test_the_portal_itself_passes(open_portal):
    for javascript_enabled in (True, False):
        open_portal(javascript_enabled).visit("/")


REVEALING_RADIO = """<!DOCTYPE html><html lang="en"><head><title>Radios</title></head><body><main><h1>Radios</h1>
<fieldset><legend>Role</legend><input class="{classes}" id="role" name="role" type="radio" value="la"
aria-controls="more" aria-expanded="false"><label for="role">Local authority contact</label>
<div id="more">More</div></fieldset></main></body></html>"""


def test_a_radio_marked_aria_expanded_fails_even_govuks(portal):
    for path, classes in (("/govuk-radio", "govuk-radios__input"), ("/other-radio", "some-other-radio")):
        serve(portal, path, REVEALING_RADIO.format(classes=classes))
        with pytest.raises(AssertionError, match="aria-allowed-attr"):
            portal.visit(path)


def test_a_page_loaded_around_the_checks_is_noticed(portal):
    portal.page.goto(portal.base_url + "/privacy")
    with pytest.raises(AssertionError, match="/privacy"):
        portal.assert_every_page_was_checked()
    portal.check()
    portal.assert_every_page_was_checked()


ESCAPED_LINK = """<!DOCTYPE html><html lang="en"><head><title>Escaped</title></head><body><main><h1>Escaped</h1>
<p>2 returns escalated: &lt;a class="govuk-link" href="/la/returns"&gt;Q1 2026&lt;/a&gt;</p></main></body></html>"""
ANGLES_IN_WORDS = """<!DOCTYPE html><html lang="en"><head><title>Angles</title></head><body><main><h1>Angles</h1>
<p>Placed plus vacant &lt;= registered; 2 &lt; 3 &gt; 1.</p></main></body></html>"""


def test_markup_shown_as_text_fails_and_angle_brackets_in_words_do_not(portal):
    serve(portal, "/escaped", ESCAPED_LINK)
    with pytest.raises(AssertionError, match="HTML markup shown as text"):
        portal.visit("/escaped")
    serve(portal, "/angles", ANGLES_IN_WORDS)
    portal.visit("/angles")
