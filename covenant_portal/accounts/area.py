"""Accounts: what the area brings to the app."""

from covenant_portal.accounts.audit_words import ACCOUNTS_AUDIT_VOCABULARY
from covenant_portal.accounts.management import other_organisation_admins
from covenant_portal.accounts.routes import blueprint
from covenant_portal.accounts.models import User
from covenant_portal.db import get_session
from covenant_portal.web.ids import parse_id
from covenant_portal.demo.accounts import plan_accounts
from covenant_portal.security import login_manager
from covenant_portal.web.areas import Area


def user_for_session(identifier: str) -> User | None:
    """Flask-Login's loader: the id and session version must both match an active user."""
    typed_id, _, typed_version = identifier.partition(":")
    user_id, version = parse_id(typed_id), parse_id(typed_version)
    if user_id is None or version is None:
        return None
    user = get_session().get(User, user_id)
    if user is None or user.session_version != version or not user.is_active:
        return None
    return user


def _load_signed_in_users(_app) -> None:
    login_manager.user_loader(user_for_session)


AREA = Area(
    "accounts",
    blueprints=(blueprint,),
    setup=_load_signed_in_users,
    audit_vocabulary=ACCOUNTS_AUDIT_VOCABULARY,
    organisation_admins=other_organisation_admins,
    demo=plan_accounts,
)
