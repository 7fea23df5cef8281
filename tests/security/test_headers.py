"""Security headers on every response: a strict Content-Security-Policy, no framing, no sniffing,
a careful referrer policy; HSTS and HTTPS only in production."""

import pytest

from covenant_portal.access import Role
from tests.conftest import csrf_token_in, make_app
from tests.factories import create_user

LONG_SECRET = "0123456789abcdef" * 4


def content_security_policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


@pytest.fixture
def responses(client_request):
    """A page, a form page, a redirect, a refused form, a missing page and a static file."""
    client = client_request.client
    return {
        "page": client.get("/"),
        "form page": client.get("/sign-in"),
        "redirect": client.get("/dashboard"),
        "form refused": client.post("/sign-in", data={}),
        "not found": client.get("/no-such-page"),
        "static file": client.get("/static/app/init.js"),
    }


@pytest.fixture
def signed_in_responses(client_request, db_session):
    client_request.login(create_user(db_session, Role.ADMIN))
    return {
        "signed-in page": client_request.client.get("/dashboard"),
        "static file": client_request.client.get("/static/app/init.js"),
        "not found when signed in": client_request.client.get("/no-such-page"),
    }


def test_every_response_has_a_strict_content_security_policy(responses, signed_in_responses):
    for name, response in (responses | signed_in_responses).items():
        policy = content_security_policy(response)
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"], name
        assert "unsafe-eval" not in response.headers["Content-Security-Policy"], name
        assert policy["default-src"] == "'self'", name
        assert policy["script-src"] == "'self'", name
        assert policy["style-src"] == "'self'", name
        assert policy["frame-ancestors"] == "'none'", name
        assert policy["object-src"] == "'none'", name
        assert policy["form-action"] == "'self'", name


def test_every_response_refuses_framing_and_sniffing_and_limits_referrers(responses, signed_in_responses):
    for name, response in (responses | signed_in_responses).items():
        assert response.headers["X-Frame-Options"] == "DENY", name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", name


def test_there_is_no_hsts_outside_production(responses):
    for name, response in responses.items():
        assert "Strict-Transport-Security" not in response.headers, name


def test_signed_in_pages_are_not_cached_but_static_files_may_be(signed_in_responses):
    assert signed_in_responses["signed-in page"].status_code == 200
    assert signed_in_responses["signed-in page"].headers["Cache-Control"] == "no-store"
    assert signed_in_responses["not found when signed in"].headers["Cache-Control"] == "no-store"
    assert "no-store" not in signed_in_responses["static file"].headers.get("Cache-Control", "")


@pytest.fixture
def production_client(migrated_engine, database_url):
    return make_app(database_url, ENV_NAME="production", SECRET_KEY=LONG_SECRET).test_client()


def test_production_sends_hsts_over_https(production_client):
    response = production_client.get("/sign-in", base_url="https://localhost")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_sends_plain_http_to_https(production_client):
    response = production_client.get("/privacy?x=1", base_url="http://localhost")
    assert response.status_code in (301, 302)
    assert response.location == "https://localhost/privacy?x=1"


def test_a_response_any_cache_may_keep_carries_no_session_cookie(client_request, db_session):
    """A browser that signed out keeps a permanent session: public, cacheable answers (tiles, the
    keys document) do not re-send it, while its pages still do."""
    client = client_request.client
    client_request.login(create_user(db_session, Role.PROVIDER))
    with client.session_transaction() as flask_session:
        flask_session.permanent = True
    form = client.get("/sign-out").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": csrf_token_in(form)})
    assert client.get("/dashboard").status_code == 302  # signed out
    keys = client.get("/.well-known/gm-first-keys.json")
    assert keys.status_code == 200 and keys.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in keys.headers
    page = client.get("/accessibility")
    assert "Set-Cookie" in page.headers  # a page re-sends the (permanent) session as before
