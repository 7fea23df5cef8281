"""The service navigation, by role: each area adds its entries here."""
from flask import request, url_for
from flask_login import current_user



def _entries_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return [("accounts.login", "Sign in")]
    entries = [("pages.dashboard", "Dashboard")]
    entries += [("accounts.account", "Your account"), ("accounts.logout", "Sign out")]
    return entries


def navigation_items() -> list[dict]:
    items = []
    for endpoint, text in _entries_for(current_user):
        href = url_for(endpoint)
        items.append({"href": href, "text": text, "active": request.path == href})
    return items
