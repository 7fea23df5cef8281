"""Accounts: what the area brings to the app."""
from covenant_portal.accounts.audit_words import ACCOUNTS_AUDIT_VOCABULARY
from covenant_portal.accounts.routes import blueprint
from covenant_portal.accounts.service import user_for_session
from covenant_portal.demo.accounts import plan_accounts
from covenant_portal.security import login_manager
from covenant_portal.web.areas import Area


def _load_signed_in_users(_app) -> None:
    login_manager.user_loader(user_for_session)


AREA = Area(
    "accounts",
    blueprints=(blueprint,),
    setup=_load_signed_in_users,
    audit_vocabulary=ACCOUNTS_AUDIT_VOCABULARY,
    demo=plan_accounts,
)
