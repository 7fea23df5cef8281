"""The send_outbox job: a thin wrapper, like a route, that reads the app's mail settings and hands
them to the sender (mail/sender.py), which takes them as arguments."""

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from covenant_portal.mail.sender import SendReport, SendSettings, send_batch


def send_due_messages(session: Session, now: datetime) -> SendReport:
    """One batch of the messages due at `now`, sent with the app's settings as they are now."""
    settings = SendSettings.from_config(current_app.config)
    # Flask-Mail's Message looks for its settings here (so the portal needs no Flask-Mail set-up at start).
    current_app.extensions["mail"] = settings.smtp
    return send_batch(session, settings, now)


def send_outbox(session: Session, as_of: datetime) -> str:
    """The send_outbox job."""
    return send_due_messages(session, as_of).summary
