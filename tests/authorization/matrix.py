"""The shape of the authorization matrix. Each area lists its routes in tests/<area>/access_matrix.py
as ROUTES = [Route(...), ...]; tests/authorization/test_matrix.py collects them all and fails for
any route of the app that no entry covers."""

import importlib
import pkgutil
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import Flask
from sqlalchemy.orm import Session

import tests
from covenant_portal.accounts.models import User
from covenant_portal.access import Role
from covenant_portal.db import utcnow
from tests.authorization import world_parts as parts
from tests.concerns.helpers import world_closed_concern, world_concern, world_concern_stages
from tests.concerns.learning_helpers import world_learning
from tests.contacts.contacts import create_contact
from tests.conversations.conversations import start_conversation
from tests.covenant.la_helpers import sign_for_la
from tests.factories import local_authority
from tests.covenant.helpers import sign_current_version
from tests.expansions.helpers import expansion_world
from tests.factories import create_user
from tests.homes.homes import create_home
from tests.returns.helpers import SIGNED_AT

PERSONAS = ("anonymous", "provider_a", "provider_b", "la_contact", "escalation_officer", "admin")

SIGN_IN = 302  # anonymous users are sent to the sign-in page

IMPLICIT_METHODS = {"HEAD", "OPTIONS"}  # answered by Flask for every route


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


def all_routes() -> list[Route]:
    """Every ROUTES entry of every tests/<area>/access_matrix.py."""
    routes = []
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.endswith(".access_matrix"):
            routes += importlib.import_module(module.name).ROUTES
    return routes


def served_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, URL rule) for everything the app answers, but static files."""
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - IMPLICIT_METHODS
    )


def missing_routes(app: Flask, routes: list[Route]) -> list[tuple[str, str, str]]:
    """The app's routes that no matrix entry covers."""
    listed = {(route.endpoint, route.method) for route in routes}
    return [served for served in served_routes(app) if served[:2] not in listed]


def unknown_entries(app: Flask, routes: list[Route]) -> list[Route]:
    """Matrix entries for an endpoint and method the app does not serve (a typo, or a route gone)."""
    served = {(endpoint, method) for endpoint, method, _rule in served_routes(app)}
    return [route for route in routes if (route.endpoint, route.method) not in served]


def build_world(session: Session) -> SimpleNamespace:
    """One user per persona, plus a colleague of provider A who is not an organisation admin, and
    provider A's own things, so that pages about them show whose they are: a home (in Bolton, the
    LA contact's area), a named contact, and its signature of the current covenant (signed through
    the covenant service, so it has its ledger entry and receipt, in January 2026: it owes returns
    from Q1 2026 to 2027 on). Then, through each area's service (tests/authorization/world_parts.py):
    provider A's signed Q1 return with evidence and its Q2 return started, an invitation email with
    its link and a password reset link, the LA contact named for Bolton, and a covenant draft."""
    now = utcnow()
    provider_a = create_user(session, Role.PROVIDER, full_name="Ada of Provider A")
    provider_a_colleague = create_user(
        session, Role.PROVIDER, organisation=provider_a.organisation, is_organisation_admin=False
    )
    provider_a_contact = create_contact(session, provider_a.organisation)
    provider_a_home = create_home(session, provider_a.organisation)
    provider_a_signature = sign_current_version(session, provider_a, now=SIGNED_AT)
    la_contact = create_user(session, Role.LA_CONTACT)
    admin = create_user(session, Role.ADMIN)
    signed = parts.signed_organisation_of(provider_a, provider_a_home, provider_a_signature)
    closed_concern = world_closed_concern(session, provider_a, la_contact, now)
    return SimpleNamespace(
        anonymous=None,
        provider_a=provider_a,
        provider_a_colleague=provider_a_colleague,
        provider_a_home=provider_a_home,
        provider_a_contact=provider_a_contact,
        provider_a_signature=provider_a_signature,
        provider_b=create_user(session, Role.PROVIDER),
        la_contact=la_contact,
        escalation_officer=create_user(session, Role.ESCALATION_OFFICER),
        admin=admin,
        returns=parts.provider_returns(session, signed, now),
        links=parts.email_links(session, admin, provider_a_colleague, now),
        la_named_contact=parts.la_named_contact(session, la_contact, now),
        covenant_draft=parts.covenant_draft(session, admin),
        expansions=expansion_world(session, provider_a, la_contact),
        conversation=start_conversation(session, la_contact, provider_a.organisation),
        la_signature=sign_for_la(
            session, create_user(session, Role.LA_CONTACT, local_authority=local_authority(session, "Bury"))
        ),
        concern=world_concern(session, provider_a, la_contact, now),
        concern_stages=world_concern_stages(session, provider_a, la_contact, now),
        closed_concern=closed_concern,
        learning=world_learning(session, closed_concern),
    )


def people(world: SimpleNamespace) -> list[User]:
    """The world's users (it holds provider A's home, contact and signature too)."""
    return [value for value in vars(world).values() if isinstance(value, User)]
