"""Every view declares who may use it, and a declaration that makes no sense stops the app."""

import pytest
from flask import Blueprint

from covenant_portal.access import (
    ACCESS_ATTRIBUTE,
    ANY_SIGNED_IN,
    allowed,
    check_every_view_declares_access,
    public,
    rule_for,
)
from covenant_portal.access import Role
from covenant_portal.db import utcnow
from tests.authorization.matrix import build_world, people


def test_an_app_with_a_view_that_declares_nothing_refuses_to_start(own_app):
    forgetful = Blueprint("forgetful", __name__)

    @forgetful.get("/forgotten")
    def undeclared():
        return "anyone?"

    own_app.register_blueprint(forgetful)
    with pytest.raises(RuntimeError, match=r"'forgetful\.undeclared' declares no access rule"):
        check_every_view_declares_access(own_app)


def test_allowed_needs_a_role():
    with pytest.raises(ValueError, match="at least one role"):
        allowed()


@pytest.mark.parametrize("roles", [(Role.ADMIN,), (Role.PROVIDER, Role.ADMIN)])
def test_organisation_admin_applies_to_providers_only(roles):
    with pytest.raises(ValueError, match="providers only"):
        allowed(*roles, organisation_admin=True)


def rule_for_view(view):
    return getattr(view, ACCESS_ATTRIBUTE)


def rule(*roles, organisation_admin=False):
    return rule_for_view(allowed(*roles, organisation_admin=organisation_admin)(lambda: None))


def test_organisation_admin_pages_are_for_the_admins_of_a_provider_only(db_session):
    world = build_world(db_session)
    team_page = rule(Role.PROVIDER, organisation_admin=True)
    assert team_page.permits(world.provider_a)
    assert not team_page.permits(world.provider_a_colleague)
    assert not team_page.permits(world.admin)


def test_signed_in_pages_are_for_every_role(db_session):
    world = build_world(db_session)
    account_page = rule(*ANY_SIGNED_IN)
    assert all(account_page.permits(user) for user in people(world))


def test_a_deactivated_user_loses_access_at_their_next_request(app, db_session, client_request):
    world = build_world(db_session)
    client_request.login(world.admin)
    world.admin.deactivated_at = utcnow()
    db_session.flush()
    response = client_request.get("/admin/audit", expected_status=302, expected_redirect="accounts.login")
    assert response.location.startswith("/sign-in?next=")


def test_public_and_allowed_views_are_told_apart(app):
    assert rule_for(app, "pages.privacy").is_public
    assert not rule_for(app, "audit.events").is_public
    assert rule_for_view(public(lambda: None)).is_public
