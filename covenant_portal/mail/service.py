"""The outbox: emails are queued in the caller's transaction and sent later by the send_outbox job
(see covenant_portal/mail/sender.py); admins read it in the mail log."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covenant_portal.db import insert_ignoring_duplicates
from covenant_portal.mail.models import OutboxMessage, OutboxStatus


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


def queue_email_to_each(
    session: Session,
    recipients: Iterable[tuple[object, str]],
    *,
    subject: str,
    template: str,
    dedupe_key: str,
    now: datetime,
    **context,
) -> int:
    """Queue the same email (queue_email) to each (who, address) of `recipients`, each with the
    dedupe key "<dedupe_key>:<who>" (say a user id), so a retry queues no one's twice. How many were
    queued (those already in the outbox are not). Nothing is committed here."""
    return sum(
        queue_email(
            session,
            to=address,
            subject=subject,
            template=template,
            dedupe_key=f"{dedupe_key}:{who}",
            now=now,
            **context,
        )
        is not None
        for who, address in recipients
    )


def rendered_email(*, to: str, subject: str, template: str, dedupe_key: str, now: datetime, **context) -> dict:
    """One outbox row, for queue_emails: rendered straight from the Jinja environment, without the
    app's context processors (the template gets only `context`), which halves the cost of queueing
    thousands of emails at once."""
    context = {"subject": subject, **context}
    environment = current_app.jinja_env
    return {
        "dedupe_key": dedupe_key,
        "recipient": to,
        "subject": subject,
        "text_body": environment.get_template(f"mail/{template}.txt").render(context),
        "html_body": environment.get_template(f"mail/{template}.html").render(context),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def queue_emails(session: Session, emails: list[dict]) -> None:
    """Queue many rendered_email rows in one statement; those whose dedupe_key is already in the
    outbox are skipped. Nothing is committed here."""
    if emails:
        session.execute(insert_ignoring_duplicates(session, OutboxMessage.__table__, ["dedupe_key"]), emails)


MAIL_LOG_LIMIT = 200


@dataclass(frozen=True)
class MailLogFilter:
    status: OutboxStatus | None = None
    recipient: str = ""


def find_messages(session: Session, mail_filter: MailLogFilter, limit: int = MAIL_LOG_LIMIT) -> list[OutboxMessage]:
    """The newest messages first, optionally of one status and with a recipient containing some text."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    if mail_filter.status:
        query = query.where(OutboxMessage.status == mail_filter.status)
    recipient = mail_filter.recipient.strip()
    if recipient:
        query = query.where(OutboxMessage.recipient.ilike(f"%{_escape_like(recipient)}%", escape="\\"))
    return list(session.scalars(query))


def count_by_status(session: Session) -> dict[OutboxStatus, int]:
    counts = dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: counts.get(status, 0) for status in OutboxStatus}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
