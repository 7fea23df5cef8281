"""The strict CSP allows no inline script, style or event handler: none may be written in a
template or reach a rendered page (email bodies, in templates/mail/, may use style attributes)."""

import re
from pathlib import Path

import pytest

from covenant_portal import TEMPLATES_DIR
from tests.authorization.module_world import db_connection, world, world_transaction  # noqa: F401 (fixtures)
from tests.authorization.matrix import PERSONAS, all_routes
from tests.conftest import ClientRequest

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)

TEMPLATES = sorted(TEMPLATES_DIR.rglob("*.html"))
PAGE_TEMPLATES = [path for path in TEMPLATES if "mail" not in path.relative_to(TEMPLATES_DIR).parts[:1]]


def inline_code(html: str, page: bool = True) -> list[str]:
    patterns = [INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL]
    if page:
        patterns += [STYLE_ATTRIBUTE, STYLE_ELEMENT]
    return [match.group(0) for pattern in patterns for match in pattern.finditer(html)]


def test_the_patterns_find_inline_code():
    page = '<script>alert(1)</script><p style="color: red" onclick="x()"><a href="javascript:x()">'
    assert len(inline_code(page)) == 4
    assert inline_code('<script type="module" src="/static/app/init.js"></script>') == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(TEMPLATES_DIR)))
def test_no_template_has_inline_code(path: Path):
    is_page = path in PAGE_TEMPLATES
    assert inline_code(path.read_text(), page=is_page) == []


GET_ROUTES = [route for route in all_routes() if route.method == "GET"]


@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda route: route.endpoint)
def test_no_rendered_page_has_inline_code(app, world, route):
    """Each page as the first persona who may see it (or, for pages that need a real link or
    record, the error page the matrix expects)."""
    answers = {persona: route.status_for(persona) for persona in PERSONAS}
    shown = [persona for persona, status in answers.items() if status == 200]
    candidates = shown or [persona for persona, status in answers.items() if status != 302]
    if not candidates:
        pytest.skip(f"{route.endpoint} redirects everyone")
    persona = candidates[0]
    client = ClientRequest(app.test_client())
    if persona != "anonymous":
        client.login(getattr(world, persona))
    response = client.get(route.url.format(w=world), expected_status=answers[persona])
    if response.mimetype != "text/html":
        pytest.skip(f"{route.endpoint} answers {response.mimetype}, not a page")
    assert inline_code(response.get_data(as_text=True)) == []
