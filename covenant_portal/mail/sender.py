"""Sending the outbox over SMTP (the send_outbox job, mail/jobs.py, gives `send_batch` its settings).

How a batch is sent:
- Claim: up to MAIL_BATCH_SIZE pending messages due at `now` are selected (on PostgreSQL with
  FOR UPDATE SKIP LOCKED, so a concurrent sender skips them rather than waiting) and their
  next_attempt_at is pushed forward by a lease, in one short committed transaction. Another sender
  therefore never picks them up while this one works, and no database lock is held while talking
  to the SMTP server. If the sender dies mid-batch, the unsent messages are due again once the
  lease ends (MAIL_TIMEOUT_SECONDS × (MAIL_BATCH_SIZE + 1)).
- Send: one SMTP connection (with MAIL_TIMEOUT_SECONDS as socket timeout) for the batch; each
  outcome is committed on its own, so a crash resends at most the message in flight.
- Retry: a failed attempt increments attempts, keeps the error in last_error and waits
  2^(attempts-1) minutes (1, 2, 4, 8, 16 … at most 60). After MAIL_MAX_ATTEMPTS attempts the message
  is marked failed and an audit event "mail.failed" is recorded. If the connection itself fails
  (server down, timeout, dropped), every message of the batch not yet sent records that failure.
- Off: with MAIL_SERVER empty (the default) nothing is sent; messages stay pending in the outbox
  and admins read them in the mail log.
"""

import logging
import smtplib
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_mail import BadHeaderError, Connection, Mail, Message
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.audit.service import SYSTEM
from covenant_portal.mail.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

LONGEST_RETRY_DELAY_MINUTES = 60

# The server refused this one message; the connection is still fine for the others.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError, BadHeaderError)
# The connection could not be made or was lost: no message of the batch can go now.
CONNECTION_FAILED = (smtplib.SMTPException, OSError)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1, 2, 4, 8, 16 … minutes, at most 60."""
    return timedelta(minutes=min(2 ** (attempts - 1), LONGEST_RETRY_DELAY_MINUTES))


@dataclass(frozen=True)
class SendSettings:
    server: str
    sender: str
    timeout: float
    max_attempts: int
    batch_size: int
    # Flask-Mail's own settings (port, TLS, user name …), made from the same config.
    smtp: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_config(cls, config) -> "SendSettings":
        return cls(
            server=config["MAIL_SERVER"] or "",
            sender=config["MAIL_DEFAULT_SENDER"],
            timeout=float(config["MAIL_TIMEOUT_SECONDS"]),
            max_attempts=int(config["MAIL_MAX_ATTEMPTS"]),
            batch_size=int(config["MAIL_BATCH_SIZE"]),
            smtp=Mail().init_mail(config),
        )

    @property
    def claim_lease(self) -> timedelta:
        """Longer than a batch can take, so a claimed message is not claimed again while being sent."""
        return timedelta(seconds=self.timeout * (self.batch_size + 1))


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    waiting_unsent: int | None = None  # set when sending is off

    @property
    def summary(self) -> str:
        if self.waiting_unsent is not None:
            emails = "1 email" if self.waiting_unsent == 1 else f"{self.waiting_unsent} emails"
            return f"Sending is off (MAIL_SERVER is not set): {emails} waiting in the outbox, readable in the mail log."
        if not (self.sent or self.retrying or self.failed):
            return "No emails due."
        return f"Sent {self.sent}, will retry {self.retrying}, failed {self.failed}."


class TimedConnection(Connection):
    """Flask-Mail's SMTP connection, opened with a socket timeout: Flask-Mail 0.10 opens it with
    none, so a silent server would hang the job for ever."""

    def __init__(self, mail, timeout: float):
        super().__init__(mail)
        self.timeout = timeout

    def configure_host(self) -> smtplib.SMTP:
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=self.timeout)
        try:
            if self.mail.use_tls:
                host.starttls()
            if self.mail.username and self.mail.password:
                host.login(self.mail.username, self.mail.password)
        except CONNECTION_FAILED:
            host.close()
            raise
        return host

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        # A broken connection cannot say QUIT; close it without hiding the error that broke it.
        if self.host is None:
            return
        try:
            self.host.quit()
        except CONNECTION_FAILED:
            self.host.close()


def send_batch(session: Session, settings: SendSettings, now: datetime) -> SendReport:
    """Sends one batch of the messages due at `now` and records each outcome (see module docstring).
    Flask-Mail's Message reads `settings.smtp` from the app (mail/jobs.py puts it there)."""
    if not settings.server:
        return SendReport(waiting_unsent=_count_pending(session))
    report = SendReport()
    unsent = deque(_claim_due_messages(session, now, settings))
    if not unsent:
        return report
    try:
        with TimedConnection(settings.smtp, settings.timeout) as connection:
            while unsent:
                _send_one(session, connection, unsent[0], now, settings, report)
                unsent.popleft()
    except CONNECTION_FAILED as error:
        for message in unsent:
            _record_failure(
                session, message, f"Could not deliver to the mail server: {_describe(error)}", now, settings, report
            )
    return report


def _count_pending(session: Session) -> int:
    return session.execute(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.status == OutboxStatus.PENDING)
    ).scalar_one()


def _claim_due_messages(session: Session, now: datetime, settings: SendSettings) -> list[OutboxMessage]:
    batch = list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(settings.batch_size)
            .with_for_update(skip_locked=True)
        )
    )
    for message in batch:
        message.next_attempt_at = now + settings.claim_lease
    session.commit()
    return batch


def _send_one(
    session: Session,
    connection: TimedConnection,
    message: OutboxMessage,
    now: datetime,
    settings: SendSettings,
    report: SendReport,
) -> None:
    email = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.text_body,
        html=message.html_body,
        sender=settings.sender,
    )
    try:
        connection.send(email)
    except MESSAGE_REFUSED as error:
        _record_failure(
            session, message, f"The mail server refused the email: {_describe(error)}", now, settings, report
        )
        return
    message.attempts += 1
    message.status = OutboxStatus.SENT
    message.sent_at = now
    session.commit()
    report.sent += 1


def _record_failure(
    session: Session, message: OutboxMessage, error: str, now: datetime, settings: SendSettings, report: SendReport
) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    logger.warning(
        "Email %s to %s not sent (try %s of %s): %s",
        message.id,
        message.recipient,
        message.attempts,
        settings.max_attempts,
        error,
    )
    if message.attempts >= settings.max_attempts:
        message.status = OutboxStatus.FAILED
        audit.record(
            session,
            SYSTEM,
            "mail.failed",
            message,
            now,
            recipient=message.recipient,
            subject=message.subject,
            attempts=message.attempts,
            error=message.last_error,
        )
        report.failed += 1
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
        report.retrying += 1
    session.commit()


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
