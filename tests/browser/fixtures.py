"""Browser tests: Debian's Chromium, driven by Playwright, on the portal served for real.

The portal runs in a thread (werkzeug) on a free port of 127.0.0.1, with its data really committed
(`committed_app`) and its email going to the test SMTP server (`smtp_server`). Playwright never
downloads a browser: `make chromium` installs Debian's.

A plugin of tests/conftest.py (not a conftest of its own), so that every test folder has these
fixtures without importing them, and the whole run shares one Chromium. A test that uses the
`browser` fixture is marked `browser` (see tests/conftest.py), so it runs in the browser part of
`make test`.
"""

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from playwright.sync_api import Browser, sync_playwright
from werkzeug.serving import make_server

from covenant_portal.db import get_session, utcnow
from covenant_portal.jobs.registry import job_named
from covenant_portal.jobs.runner import Outcome, run_job
from covenant_portal.mail.jobs import send_due_messages
from tests import factories
from tests.authorization.matrix import build_world
from tests.browser.portal import AccessibilityChecker, PortalPage
from tests.smtp_server import SmtpServer

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox (the tests may run as root) and nothing that reaches out to the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LINK = re.compile(r"https?://\S+")


@dataclass
class LiveServer:
    app: Flask
    base_url: str
    smtp_server: SmtpServer

    def create_user(self, **overrides):
        """A user committed to the database, with the factories' password."""
        with self.app.app_context():
            session = get_session()
            user = factories.create_user(session, **overrides)
            session.commit()
            return user

    def build_world(self) -> SimpleNamespace:
        """The authorization matrix's world (a user per persona), committed."""
        with self.app.app_context():
            session = get_session()
            world = build_world(session)
            session.commit()
            return world

    def run_job(self, name: str) -> None:
        """Runs a scheduled job now, as the scheduler would."""
        with self.app.app_context():
            result = run_job(get_session(), job_named(name), utcnow())
        assert result.outcome == Outcome.SUCCEEDED, result.message

    def send_outbox(self) -> None:
        """What the scheduler's send_outbox job does, now."""
        with self.app.app_context():
            report = send_due_messages(get_session(), utcnow())
        assert report.failed == report.retrying == 0, report.summary

    def link_in_email(self, to: str, path: str) -> str:
        """Sends the outbox, then the link to `path` (a prefix, like /activate/) in the latest email to `to`."""
        self.send_outbox()
        messages = self.smtp_server.messages_to(to)
        assert messages, f"no email to {to}"
        text = messages[-1].get_body(("plain",)).get_content()
        links = [link for link in LINK.findall(text) if link.startswith(self.base_url + path)]
        assert links, f"no link to {path} in the email to {to}:\n{text}"
        return links[0]


@pytest.fixture
def live_server(committed_app, smtp_server) -> Iterator[LiveServer]:
    server = make_server("127.0.0.1", 0, committed_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    committed_app.config.update(smtp_server.app_config, BASE_URL=base_url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(committed_app, base_url, smtp_server)
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # One Chromium for the whole run: each test still gets new contexts (own cookies) in open_portal.
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_portal(browser, live_server) -> Iterator[Callable[..., PortalPage]]:
    """Opens the portal in a new browser (its own cookies), with or without JavaScript."""
    checker = AccessibilityChecker(browser)
    opened = []

    def open_(javascript_enabled: bool = True) -> PortalPage:
        context = browser.new_context(java_script_enabled=javascript_enabled)
        context.set_default_timeout(10_000)
        portal = PortalPage(context.new_page(), live_server.base_url, checker, javascript_enabled)
        opened.append((context, portal))
        return portal

    yield open_
    checker.close()
    for context, portal in opened:
        context.close()
        portal.assert_every_page_was_checked()


@pytest.fixture
def portal(open_portal) -> PortalPage:
    return open_portal()
