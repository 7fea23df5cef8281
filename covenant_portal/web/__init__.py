"""Small helpers shared by the routes of every area."""

from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user

from covenant_portal.audit.service import Actor


def current_actor() -> Actor:
    user_id = current_user.id if current_user.is_authenticated else None
    return Actor(user_id=user_id, ip_address=request.remote_addr, user_agent=request.user_agent.string)


def found_or_404(obj):
    """Objects the user may not see are answered exactly like objects that do not exist."""
    if obj is None:
        abort(404)
    return obj


def is_safe_next_url(target: str | None) -> bool:
    """Only same-site paths may be followed after sign-in (no open redirects).

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so "/<tab>/evil.example"
    would become "//evil.example": any of those characters makes the URL unsafe.
    """
    if not target or not target.startswith("/") or "\\" in target:
        return False
    if any(character.isspace() or not character.isprintable() for character in target):
        return False
    parts = urlsplit(target)
    return not target.startswith("//") and not parts.scheme and not parts.netloc
