"""The shape of the authorization matrix. Each area lists its routes in tests/<area>/access_matrix.py
as ROUTES = [Route(...), ...]; tests/authorization/test_matrix.py collects them all."""
from dataclasses import dataclass, field

PERSONAS = ("anonymous", "provider_a", "provider_b", "la_contact", "escalation_officer", "admin")

SIGN_IN = 302  # anonymous users are sent to the sign-in page


@dataclass(frozen=True)
class Route:
    """One endpoint and method, the URL to request (formatted with the world as `w`), and the
    status each persona must get. Personas not named in `expected` get `otherwise`."""

    endpoint: str
    method: str
    url: str
    expected: dict[str, int]
    otherwise: int = 403
    data: dict = field(default_factory=dict)

    def status_for(self, persona: str) -> int:
        return self.expected.get(persona, self.otherwise)


def public(endpoint: str, url: str, status: int = 200, method: str = "GET") -> Route:
    return Route(endpoint, method, url, {}, otherwise=status)


def signed_in(endpoint: str, url: str, status: int = 200, method: str = "GET") -> Route:
    return Route(endpoint, method, url, {"anonymous": SIGN_IN}, otherwise=status)


def only(endpoint: str, url: str, method: str = "GET", **statuses: int) -> Route:
    """Only the personas named get their status; anonymous is sent to sign in; others get 403."""
    return Route(endpoint, method, url, {"anonymous": SIGN_IN, **statuses})
