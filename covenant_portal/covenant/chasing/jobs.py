"""The covenant's job: a thin wrapper, like a route, that reads the app's settings and hands them to
the service."""

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from covenant_portal.covenant.chasing.service import chase_resigning
from covenant_portal.mail.links import Links


def chase_covenant_resigning(session: Session, as_of: datetime) -> str:
    """The chase_covenant_resigning job: re-signing reminders and escalations due on as_of's London day."""
    grace_weeks = int(current_app.config["COVENANT_RESIGN_GRACE_WEEKS"])
    return chase_resigning(session, Links.from_app(current_app), grace_weeks, as_of)
