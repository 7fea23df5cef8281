"""Admins read every email of the portal in the mail log, whether or not it was sent."""

import re
from datetime import timedelta

import pytest

from covenant_portal.access import Role
from covenant_portal.db import utcnow
from covenant_portal.mail.models import OutboxMessage, OutboxStatus
from tests.factories import create_user
from tests.mail.outbox import queue_notice

ROW = re.compile(r'<tr class="govuk-table__row">\s*<td.*?</tr>', re.S)


@pytest.fixture
def admin_request(client_request, db_session):
    client_request.login(create_user(db_session, Role.ADMIN))
    return client_request


def rows(html: str) -> list[str]:
    return ROW.findall(html)


def test_the_mail_log_says_sending_is_off_and_shows_the_waiting_emails(admin_request, db_session):
    queue_notice(db_session, "ada@provider.example", utcnow())
    db_session.flush()

    html = admin_request.get("/admin/mail-log").get_data(as_text=True)

    assert '<h1 class="govuk-heading-l">Mail log</h1>' in html
    assert "Email sending is off" in html
    [row] = rows(html)
    assert "ada@provider.example" in row and "The covenant has a new version" in row
    assert "govuk-tag--yellow" in row and "Pending" in row


def test_the_mail_log_explains_retries_when_sending_is_on(app, admin_request):
    app.config["MAIL_SERVER"] = "smtp.example.org"

    html = admin_request.get("/admin/mail-log").get_data(as_text=True)

    assert "Email sending is off" not in html
    assert "tried again after 1, 2, 4, 8 and 16 minutes" in html


def test_the_mail_log_shows_newest_first_with_status_tries_and_last_error(admin_request, db_session):
    now = utcnow()
    older = queue_notice(db_session, "older@provider.example", now - timedelta(hours=1))
    newer = queue_notice(db_session, "newer@provider.example", now)
    older.status, older.attempts, older.last_error = OutboxStatus.FAILED, 6, "Could not deliver: refused"
    newer.status, newer.attempts, newer.sent_at = OutboxStatus.SENT, 1, now
    db_session.flush()

    html = admin_request.get("/admin/mail-log").get_data(as_text=True)

    first, second = rows(html)
    assert "newer@provider.example" in first and "govuk-tag--green" in first and "Sent" in first
    assert "older@provider.example" in second and "govuk-tag--red" in second and "Failed" in second
    assert "Could not deliver: refused" in second and ">6</td>" in second
    assert "In the outbox: 0 pending, 1 sent and 1 failed." in html


def test_the_mail_log_filters_by_status_and_recipient(admin_request, db_session):
    now = utcnow()
    queue_notice(db_session, "ada@Bolton.gov.uk", now)
    queue_notice(db_session, "bea@wigan.gov.uk", now)
    sent = queue_notice(db_session, "cal@bolton.gov.uk", now)
    sent.status = OutboxStatus.SENT
    db_session.flush()

    by_recipient = admin_request.get("/admin/mail-log?recipient=BOLTON.gov").get_data(as_text=True)
    assert len(rows(by_recipient)) == 2 and "wigan" not in by_recipient
    assert 'value="BOLTON.gov"' in by_recipient  # what was typed is kept

    pending_bolton = admin_request.get("/admin/mail-log?status=pending&recipient=bolton").get_data(as_text=True)
    [row] = rows(pending_bolton)
    assert "ada@Bolton.gov.uk" in row

    nothing = admin_request.get("/admin/mail-log?recipient=100%25").get_data(as_text=True)
    assert "No emails match this filter." in nothing


def test_an_unknown_status_is_an_error_on_the_filter(admin_request):
    html = admin_request.get("/admin/mail-log?status=lost", expected_status=400).get_data(as_text=True)
    assert "Select a status from the list" in html


def test_an_email_shows_its_headers_text_and_html_source(admin_request, db_session):
    message = queue_notice(db_session, "ada@provider.example", utcnow(), name="Ada <b>Lovelace</b>")
    db_session.flush()

    html = admin_request.get(f"/admin/mail-log/{message.id}").get_data(as_text=True)

    assert "The covenant has a new version" in html
    assert "ada@provider.example" in html and "no-reply@gm-first.example" in html
    assert message.dedupe_key in html
    assert "Dear Ada &lt;b&gt;Lovelace&lt;/b&gt;," in html  # the text version, as text
    # The HTML version is shown as source code: its tags are text, never part of this page.
    assert "&lt;a href=&#34;http://localhost/covenant&#34;&gt;new version&lt;/a&gt;" in html
    assert '<a href="http://localhost/covenant">' not in html
    assert "not been sent" in html


def test_a_dangerous_html_body_cannot_run_in_the_page(admin_request, db_session):
    message = OutboxMessage(
        dedupe_key="hostile",
        recipient="x@example.org",
        subject="<script>alert(1)</script>",
        text_body="<img src=x onerror=alert(1)>",
        html_body="<script>alert(2)</script>",
        next_attempt_at=utcnow(),
        created_at=utcnow(),
    )
    db_session.add(message)
    db_session.flush()

    html = admin_request.get(f"/admin/mail-log/{message.id}").get_data(as_text=True)

    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_an_unknown_email_is_not_found(admin_request):
    admin_request.get("/admin/mail-log/999999", expected_status=404)


@pytest.mark.parametrize("role", [role for role in Role if role != Role.ADMIN])
def test_only_admins_read_emails(client_request, db_session, role):
    message = queue_notice(db_session, "ada@provider.example", utcnow())
    db_session.flush()
    client_request.login(create_user(db_session, role))

    client_request.get(f"/admin/mail-log/{message.id}", expected_status=403)


def test_admins_find_the_mail_log_and_job_runs_in_the_menu(admin_request):
    html = admin_request.get("/dashboard").get_data(as_text=True)
    assert re.search(r'href="/admin/mail-log"[^>]*>\s*Mail log\s*<', html)
    assert re.search(r'href="/admin/job-runs"[^>]*>\s*Job runs\s*<', html)


def test_other_users_do_not_see_them_in_the_menu(client_request, db_session):
    client_request.login(create_user(db_session, Role.ESCALATION_OFFICER))
    html = client_request.get("/dashboard").get_data(as_text=True)
    assert "/admin/mail-log" not in html and "/admin/job-runs" not in html
