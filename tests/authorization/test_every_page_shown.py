"""Every page the matrix requests is shown (200) to at least one persona: a page only ever seen as
"not found" or "sign in first" proves nothing about who may read it. The matrix's world holds real
returns, evidence, submissions, emails and links so that each page has something to show."""

from tests.authorization.matrix import PERSONAS, Route, all_routes

# Pages that answer a good request with a redirect, never with a page of their own.
NEVER_SHOWN = {
    # Following the link verifies the address at once (a GET, because it comes from an email) and
    # sends the person to sign in; a used or bad link shows its problem (400).
    "accounts.verify_email",
    # Following the link changes the address at once and sends the person to their account or to
    # sign in; a used or bad link shows its problem (400).
    "accounts.confirm_email_change",
    # Healthy (200) only while the scheduler beats and mail flows; in the matrix's world no scheduler
    # runs, so it answers 503 to everyone alike. tests/health/test_healthz.py shows the 200.
    "health.healthz",
    # Where a return's declaration (on check answers, returns.check) posts; the URL as first
    # published, a GET of it goes to check answers.
    "returns.sign",
}


def never_shown(routes: list[Route]) -> list[str]:
    """The GET endpoints for which no matrix entry expects a 200 for any persona."""
    shown: dict[str, bool] = {}
    for route in routes:
        if route.method == "GET":
            shown[route.endpoint] = shown.get(route.endpoint, False) or any(
                route.status_for(persona) == 200 for persona in PERSONAS
            )
    return sorted(endpoint for endpoint, is_shown in shown.items() if not is_shown)


def test_every_get_endpoint_is_shown_to_someone():
    assert never_shown(all_routes()) == sorted(NEVER_SHOWN)


def test_the_check_names_a_page_only_ever_not_found():
    routes = [
        Route("area.page", "GET", "/page/1", {"admin": 200}),
        Route("area.hidden", "GET", "/hidden/1", {"admin": 404}),
        Route("area.hidden", "POST", "/hidden/1", {"admin": 200}),  # a POST's 200 is not a page shown
    ]
    assert never_shown(routes) == ["area.hidden"]
    assert never_shown(routes + [Route("area.hidden", "GET", "/hidden/2", {}, otherwise=200)]) == []
