"""The outbox: emails are queued in the caller's transaction and sent later by the send_outbox job."""
from datetime import datetime

from flask import render_template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covenant_portal.mail.models import OutboxMessage


def queue_email(
    session: Session, *, to: str, subject: str, template: str, dedupe_key: str, now: datetime, **context
) -> OutboxMessage | None:
    """Queue one email to one recipient, rendered from templates/mail/<template>.txt and .html.

    A message whose dedupe_key is already in the outbox is not queued again (returns None), so
    callers can retry freely. Nothing is committed here: the caller's commit carries the email.
    """
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    context = {"subject": subject, **context}
    message = OutboxMessage(
        dedupe_key=dedupe_key,
        recipient=to,
        subject=subject,
        text_body=render_template(f"mail/{template}.txt", **context),
        html_body=render_template(f"mail/{template}.html", **context),
        next_attempt_at=now,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return None  # another transaction queued the same message first
    return message
