"""Findings 4 and 5 of issue 11. Public forms that send email are throttled per address and per IP
address, with the same answer over the limit as under it; and asking for a link takes the same
work whether or not the address has an account (checked step by step, not by the clock: the same
emails are rendered and the same rows written, the stand-in's undone)."""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import template_rendered
from sqlalchemy import func, select

from covenant_portal.accounts.models import EmailRequest, User
from covenant_portal.access import Role
from covenant_portal.audit.models import AuditEvent
from covenant_portal.db import utcnow
from covenant_portal.mail.models import OutboxMessage
from tests.accounts.outbox import emails_to
from tests.factories import create_user

LINK_FORMS = {
    "/forgotten-password": "/forgotten-password/check-your-email",
    "/verify-email/resend": "/sign-up/check-your-email",
}


def sign_up_form(email: str) -> dict:
    return {
        "organisation_name": "Acorn Care",
        "full_name": "Ada Lovelace",
        "job_title": "Manager",
        "email": email,
        "password": "correct horse battery staple",
        "confirm_password": "correct horse battery staple",
    }


def outbox_size(db_session) -> int:
    return db_session.scalar(select(func.count(OutboxMessage.id)))


def answer(response) -> tuple:
    return response.status_code, response.location


RESET_SENT = "/forgotten-password/check-your-email"
SIGN_UP_SENT = "/sign-up/check-your-email"


@pytest.mark.parametrize("url", sorted(LINK_FORMS))
def test_links_for_one_address_stop_at_the_limit_with_the_same_answer(client_request, db_session, url):
    user = create_user(db_session, Role.PROVIDER, email_verified_at=None)
    answers = [
        answer(client_request.post(url, {"email": user.email}, expected_redirect=LINK_FORMS[url])) for _ in range(7)
    ]
    assert len(emails_to(db_session, user.email)) == 5
    assert answers == [(302, LINK_FORMS[url])] * 7
    assert client_request.get(LINK_FORMS[url]).status_code == 200


def test_the_limit_counts_every_form_and_addresses_without_an_account_alike(app, client_request, db_session):
    user = create_user(db_session, Role.PROVIDER, email_verified_at=None)
    for url in ("/verify-email/resend", "/forgotten-password", "/sign-up"):
        for _ in range(2):
            client_request.post(
                url,
                {"email": user.email} if url != "/sign-up" else sign_up_form(user.email),
                expected_redirect=LINK_FORMS.get(url, "/sign-up/check-your-email"),
            )
    # 5 let through for the address: 2 confirmation links, 2 reset links, one "someone tried to sign up".
    assert len(emails_to(db_session, user.email)) == 5
    for _ in range(7):
        client_request.post("/forgotten-password", {"email": "nobody@example.org"}, expected_redirect=RESET_SENT)
    requests = db_session.scalars(select(EmailRequest).where(EmailRequest.email == "nobody@example.org")).all()
    assert len(requests) == 5 and {request.purpose for request in requests} == {"password-reset"}


def test_one_ip_address_is_limited_across_addresses(app, client_request, db_session):
    app.config["EMAIL_REQUEST_MAX_PER_IP"] = 3
    for n in range(3):
        client_request.post("/sign-up", sign_up_form(f"new{n}@example.org"), expected_redirect=SIGN_UP_SENT)
    assert outbox_size(db_session) == 3
    response = client_request.post("/sign-up", sign_up_form("one-too-many@example.org"), expected_redirect=SIGN_UP_SENT)
    assert answer(response) == (302, "/sign-up/check-your-email")
    assert "one-too-many@example.org" in client_request.get(response.location).get_data(as_text=True)
    assert outbox_size(db_session) == 3
    assert db_session.scalar(select(User).where(User.email == "one-too-many@example.org")) is None
    client_request.post("/forgotten-password", {"email": "new0@example.org"}, expected_redirect=RESET_SENT)
    assert outbox_size(db_session) == 3


def test_the_window_passes(app, client_request, db_session):
    app.config["EMAIL_REQUEST_MAX_PER_ADDRESS"] = 1
    user = create_user(db_session, Role.PROVIDER)
    client_request.post("/forgotten-password", {"email": user.email}, expected_redirect=RESET_SENT)
    client_request.post("/forgotten-password", {"email": user.email}, expected_redirect=RESET_SENT)
    assert len(emails_to(db_session, user.email)) == 1
    an_hour_ago = utcnow() - timedelta(minutes=61)
    db_session.execute(sa.update(EmailRequest).values(created_at=an_hour_ago))
    client_request.post("/forgotten-password", {"email": user.email}, expected_redirect=RESET_SENT)
    assert len(emails_to(db_session, user.email)) == 2


# The same work either way (finding 4)

STATEMENT = re.compile(r"^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+\"?(\w+)", re.I)


@contextmanager
def work_done(app, engine):
    """The templates rendered and the rows written (statements run, even if undone) while inside."""
    templates, writes = [], []

    def rendered(sender, template, context, **extra):
        templates.append(template.name)

    def executed(conn, cursor, statement, parameters, context, executemany):
        match = STATEMENT.match(statement)
        if match:
            writes.append((match.group(1).upper(), match.group(2)))

    template_rendered.connect(rendered, app)
    sa.event.listen(engine, "before_cursor_execute", executed)
    try:
        yield templates, writes
    finally:
        template_rendered.disconnect(rendered, app)
        sa.event.remove(engine, "before_cursor_execute", executed)


@pytest.mark.parametrize("url", sorted(LINK_FORMS))
def test_asking_for_a_link_does_the_same_work_whether_or_not_the_address_has_an_account(
    app, migrated_engine, client_request, db_session, url
):
    waiting = create_user(db_session, Role.PROVIDER, email_verified_at=None)
    deactivated = create_user(db_session, Role.PROVIDER, email_verified_at=None, deactivated_at=utcnow())
    client_request.client.get(url)  # the form's token is in the session from now on
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client_request.client.get(url).get_data(as_text=True))
    work = {}
    for who, email in (
        ("account", waiting.email),
        ("no account", "nobody@example.org"),
        ("deactivated", deactivated.email),
    ):
        with work_done(app, migrated_engine) as (templates, writes):
            response = client_request.client.post(url, data={"csrf_token": token.group(1), "email": email})
        assert answer(response) == (302, LINK_FORMS[url])
        work[who] = (templates, sorted(set(writes)))
    assert work["account"] == work["no account"] == work["deactivated"]
    templates, writes = work["account"]
    assert len([name for name in templates if name.startswith("mail/")]) == 2, templates
    assert ("INSERT INTO", "outbox_message") in writes and ("INSERT INTO", "audit_event") in writes
    assert ("INSERT INTO", "email_request") in writes
    # Only the account's email and audit event remain.
    assert [m.recipient for m in db_session.scalars(select(OutboxMessage))] == [waiting.email]
    assert db_session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.object_id == "0")) == 0
