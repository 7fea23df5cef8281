"""The outbox is delivered over real SMTP; failures are retried with backoff and never lose mail."""

import re
import socket
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from covenant_portal.access import Role
from covenant_portal.audit.models import AuditEvent
from covenant_portal.db import utcnow
from covenant_portal.mail.models import OutboxMessage, OutboxStatus
from covenant_portal.mail.jobs import send_due_messages
from covenant_portal.mail.sender import retry_delay
from tests.factories import create_user
from tests.mail.outbox import queue_notice


@pytest.fixture
def sending(app, db_session, mail_app_config, smtp_server):
    """The app sends to the test SMTP server; returns the server."""
    app.config.update(mail_app_config)
    return smtp_server


def test_queued_emails_are_delivered_with_text_and_html_parts(db_session, sending):
    now = utcnow()
    message = queue_notice(db_session, "ada@provider.example", now, name="Ada Lovelace")
    db_session.commit()

    report = send_due_messages(db_session, now)

    assert report.summary == "Sent 1, will retry 0, failed 0."
    [email] = sending.messages_to("ada@provider.example")
    assert email["Subject"] == "The covenant has a new version"
    assert "no-reply@gm-first.example" in email["From"]
    assert "Dear Ada Lovelace" in email.get_body(preferencelist=("plain",)).get_content()
    html = email.get_body(preferencelist=("html",)).get_content()
    assert '<a href="http://localhost/covenant">new version</a>' in html
    assert (message.status, message.sent_at, message.attempts) == (OutboxStatus.SENT, now, 1)


def test_an_email_is_sent_once_however_often_the_outbox_runs(db_session, sending):
    now = utcnow()
    queue_notice(db_session, "ada@provider.example", now)
    db_session.commit()

    send_due_messages(db_session, now)
    assert send_due_messages(db_session, now + timedelta(minutes=1)).summary == "No emails due."

    assert len(sending.messages) == 1


def test_the_dedupe_key_queues_an_email_only_once(db_session, sending):
    now = utcnow()
    first = queue_notice(db_session, "ada@provider.example", now, dedupe_key="covenant-v2:ada")
    again = queue_notice(db_session, "ada@provider.example", now, dedupe_key="covenant-v2:ada")
    db_session.commit()

    send_due_messages(db_session, now)

    assert first is not None and again is None
    assert len(sending.messages_to("ada@provider.example")) == 1


def test_emails_wait_for_their_time(db_session, sending):
    now = utcnow()
    queue_notice(db_session, "later@provider.example", now + timedelta(minutes=5))
    db_session.commit()

    assert send_due_messages(db_session, now).summary == "No emails due."
    send_due_messages(db_session, now + timedelta(minutes=5))

    assert len(sending.messages_to("later@provider.example")) == 1


def test_a_batch_sends_at_most_the_batch_size(app, db_session, sending):
    app.config["MAIL_BATCH_SIZE"] = 2
    now = utcnow()
    for number in range(3):
        queue_notice(db_session, f"person{number}@provider.example", now)
    db_session.commit()

    assert send_due_messages(db_session, now).sent == 2
    assert send_due_messages(db_session, now).sent == 1
    assert len(sending.messages) == 3


def test_when_the_mail_server_is_down_no_email_is_lost(db_session, sending):
    start = utcnow()
    message = queue_notice(db_session, "ada@provider.example", start)
    db_session.commit()
    sending.stop()

    first = send_due_messages(db_session, start)
    assert first.summary == "Sent 0, will retry 1, failed 0."
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "Could not deliver to the mail server" in message.last_error
    assert message.next_attempt_at == start + timedelta(minutes=1)

    assert send_due_messages(db_session, start + timedelta(seconds=59)).summary == "No emails due."
    send_due_messages(db_session, start + timedelta(minutes=1))
    assert message.attempts == 2 and message.next_attempt_at == start + timedelta(minutes=3)

    sending.start()
    send_due_messages(db_session, start + timedelta(minutes=3))

    assert message.status == OutboxStatus.SENT and message.attempts == 3
    assert len(sending.messages_to("ada@provider.example")) == 1


def test_retries_wait_longer_each_time(app):
    delays = [retry_delay(attempts) for attempts in range(1, 10)]
    assert delays == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8, 16, 32, 60, 60, 60)]


def test_after_the_last_try_an_email_is_failed_and_shown_in_the_mail_log(app, db_session, sending, client_request):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    start = utcnow()
    message = queue_notice(db_session, "ada@provider.example", start)
    db_session.commit()
    sending.stop()

    for minutes in (0, 1, 3):
        send_due_messages(db_session, start + timedelta(minutes=minutes))
    sending.start()
    assert send_due_messages(db_session, start + timedelta(days=1)).summary == "No emails due."

    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert sending.messages == []
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.failed"))
    assert event.object_id == str(message.id)
    assert event.details["recipient"] == "ada@provider.example" and event.details["attempts"] == 3

    client_request.login(create_user(db_session, Role.ADMIN))
    html = client_request.get("/admin/mail-log?status=failed").get_data(as_text=True)
    assert re.search(r'govuk-tag--red">\s*Failed\s*</strong>', html)
    assert "ada@provider.example" in html and "Could not deliver to the mail server" in html


def test_a_refused_recipient_fails_alone(db_session, sending):
    now = utcnow()
    sending.refused.add("gone@provider.example")
    refused = queue_notice(db_session, "gone@provider.example", now)
    fine = queue_notice(db_session, "ada@provider.example", now)
    db_session.commit()

    report = send_due_messages(db_session, now)

    assert (report.sent, report.retrying) == (1, 1)
    assert fine.status == OutboxStatus.SENT
    assert refused.status == OutboxStatus.PENDING
    assert "The mail server refused the email" in refused.last_error and "No such mailbox" in refused.last_error


def test_a_silent_mail_server_times_out_instead_of_hanging(app, db_session):
    with socket.socket() as silent:  # accepts connections (the kernel does) but never speaks SMTP
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent.getsockname()[1], MAIL_TIMEOUT_SECONDS=1)
        now = utcnow()
        message = queue_notice(db_session, "ada@provider.example", now)
        db_session.commit()

        started = time.monotonic()
        send_due_messages(db_session, now)

    assert time.monotonic() - started < 5
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "timed out" in message.last_error


def test_with_no_mail_server_nothing_is_sent_and_emails_wait_in_the_outbox(app, db_session, smtp_server):
    assert app.config["MAIL_SERVER"] == ""
    now = utcnow()
    message = queue_notice(db_session, "ada@provider.example", now)
    db_session.commit()

    report = send_due_messages(db_session, now)

    assert report.summary.startswith("Sending is off (MAIL_SERVER is not set): 1 email waiting")
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert smtp_server.messages == []
    assert db_session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == message.id)) == "pending"
