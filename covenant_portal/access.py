"""Every view declares who may use it; a request is checked against that before the view runs.

`public` views are open to everyone. `allowed(*roles)` views need a logged-in, active user with one
of the roles (and, with organisation_admin=True, a provider organisation admin). The app refuses
to start if any view declares nothing, so a forgotten declaration cannot leak a page.
"""

from collections.abc import Callable
from enum import StrEnum

from flask import Flask, abort, current_app, request
from flask_login import current_user


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
