"""The expansions area's job: a thin wrapper reading the app's settings for the service."""

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from covenant_portal.expansions.chasing.service import chase
from covenant_portal.mail.links import Links


def chase_expansion_responses(session: Session, as_of: datetime) -> str:
    """The chase_expansion_responses job: reminders and escalations due on as_of's London day."""
    return chase(session, Links.from_app(current_app), as_of)
