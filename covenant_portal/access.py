"""Every view declares who may use it; a request is checked against that before the view runs.

`public` views are open to everyone. `allowed(*roles)` views need a logged-in, active user with one
of the roles (and, with organisation_admin=True, a provider organisation admin). The app refuses
to start if any view declares nothing, so a forgotten declaration cannot leak a page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask import Flask, abort, current_app, request
from flask_login import current_user

from covenant_portal.db import get_session


class Role(StrEnum):
    PROVIDER = "provider"
    LA_CONTACT = "la_contact"
    ESCALATION_OFFICER = "escalation_officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.PROVIDER: "Provider user",
    Role.LA_CONTACT: "Local authority contact",
    Role.ESCALATION_OFFICER: "Escalation officer",
    Role.ADMIN: "Portal administrator",
}


# The people a page is for, as the 403 page names them.
ROLE_PLURALS = {
    Role.PROVIDER: "provider users",
    Role.LA_CONTACT: "local authority contacts",
    Role.ESCALATION_OFFICER: "escalation officers",
    Role.ADMIN: "portal administrators",
}


ACCESS_ATTRIBUTE = "_access_rule"


class AccessRule:
    def __init__(self, roles: frozenset[Role] | None, organisation_admin: bool = False):
        self.roles = roles  # None means public
        self.organisation_admin = organisation_admin

    @property
    def is_public(self) -> bool:
        return self.roles is None

    def permits(self, user) -> bool:
        if self.roles is None:
            return True
        if not user.is_authenticated or user.role not in self.roles:
            return False
        return not self.organisation_admin or user.is_organisation_admin


def public(view: Callable) -> Callable:
    setattr(view, ACCESS_ATTRIBUTE, AccessRule(None))
    return view


def allowed(*roles: Role, organisation_admin: bool = False) -> Callable[[Callable], Callable]:
    # Mistakes here would silently lock everyone out (or read ambiguously), so they stop the app.
    if not roles:
        raise ValueError("allowed() needs at least one role: use @public for a page open to everyone")
    if organisation_admin and set(roles) != {Role.PROVIDER}:
        raise ValueError("organisation_admin=True applies to providers only: use @allowed(Role.PROVIDER, ...)")

    def decorate(view: Callable) -> Callable:
        setattr(view, ACCESS_ATTRIBUTE, AccessRule(frozenset(roles), organisation_admin))
        return view

    return decorate


ANY_SIGNED_IN = tuple(Role)


def rule_for(app: Flask, endpoint: str) -> AccessRule:
    view = app.view_functions[endpoint]
    rule = getattr(view, ACCESS_ATTRIBUTE, None)
    if rule is None:
        raise RuntimeError(f"view {endpoint!r} declares no access rule: decorate it with @public or @allowed")
    return rule


def check_every_view_declares_access(app: Flask) -> None:
    for endpoint in app.view_functions:
        if endpoint != "static":
            rule_for(app, endpoint)


def enforce_access() -> None:
    if request.endpoint is None or request.endpoint == "static":
        return
    rule = rule_for(current_app, request.endpoint)
    if rule.permits(current_user):
        return
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    abort(403)


def init_app(app: Flask) -> None:
    app.before_request(enforce_access)


# Who the organisation admins of an organisation are, other than one user: (session, organisation
# id, the user's id) -> [(name, email address)] of its active admin accounts. An area registers it
# (`Area.organisation_admins`, the accounts area's), so this kernel names them without importing it.
OrganisationAdmins = Callable[[Any, int, int], list[tuple[str, str]]]


@dataclass(frozen=True)
class Refusal:
    """What the 403 page tells a signed-in user: who the page is for (None when the view refused
    them itself, not their role), whom to ask if they think they should have access (None for
    a portal administrator, who is the person others ask) and, for someone of a provider
    organisation, the (name, email address) of each of its other active organisation admins."""

    page_for: str | None
    ask: str | None
    admins: tuple[tuple[str, str], ...] = ()


def _in_words(roles: frozenset[Role]) -> str:
    names = [ROLE_PLURALS[role] for role in Role if role in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def refusal(user) -> Refusal | None:
    """Why the request's page is refused to `user`, in words (None if no one is signed in)."""
    if not user.is_authenticated:
        return None
    endpoint = request.endpoint
    rule = rule_for(current_app, endpoint) if endpoint and endpoint in current_app.view_functions else None
    roles = rule.roles if rule is not None and rule.roles is not None else None
    # A provider refused a page of its organisation admins (their role is right, their standing not).
    not_an_organisation_admin = (
        roles is not None and rule is not None and rule.organisation_admin and user.role in roles
    )
    page_for = None
    if roles is not None and rule is not None and not rule.permits(user):
        page_for = "the organisation admins of a provider" if not_an_organisation_admin else _in_words(roles)
    if user.role is Role.ADMIN:
        return Refusal(page_for, None)
    if user.role is Role.PROVIDER:
        admins = tuple(_organisation_admins(user))
        if not_an_organisation_admin:
            return Refusal(page_for, "an organisation admin of your organisation", admins)
        if admins:
            return Refusal(page_for, "a portal administrator, or an organisation admin of your organisation", admins)
        return Refusal(page_for, "the administrator of your organisation or a portal administrator")
    return Refusal(page_for, "a portal administrator")


def _organisation_admins(user) -> list[tuple[str, str]]:
    """The other active organisation admins of the user's organisation, if an area names them."""
    find: OrganisationAdmins | None = current_app.extensions.get("organisation_admins")
    if find is None or user.organisation_id is None:
        return []
    return find(get_session(), user.organisation_id, user.id)
