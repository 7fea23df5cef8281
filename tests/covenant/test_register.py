"""The public register of signatories, its CSV, and every provider's status for those who oversee it."""

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import current_app

from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM
from covenant_portal.covenant import service
from covenant_portal.db import utcnow
from covenant_portal.mail.links import Links
from tests.covenant.helpers import sign_current_version
from tests.factories import create_provider, create_user

# 23:30 in UTC on 31 March 2026 is already 1 April in London (BST).
LATE_EVENING = datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc)


def provider_admin(session, name):
    organisation = create_provider(session, name=name)
    return create_user(session, Role.PROVIDER, organisation=organisation, is_organisation_admin=True)


@pytest.fixture
def scene(db_session):
    """Two signed version 1; then version 2 came out and one of them signed it too; one never signed."""
    zephyr = provider_admin(db_session, "Zephyr Care Ltd")
    acorn = provider_admin(db_session, "Acorn Homes CIC")
    sign_current_version(db_session, zephyr, LATE_EVENING)
    sign_current_version(db_session, acorn, LATE_EVENING)
    wording = service.wording_of(service.current_version(db_session).document)
    wording.aims.append("Share what we learn")
    draft = service.draft_version(db_session, wording, create_user(db_session, Role.ADMIN), SYSTEM, utcnow())
    service.publish_version(db_session, Links.from_app(current_app), draft, SYSTEM, utcnow())
    sign_current_version(db_session, zephyr, LATE_EVENING)
    never = create_provider(db_session, name='=HYPERLINK("http://evil.example")')
    return zephyr.organisation, acorn.organisation, never


def test_the_public_register_lists_who_signed_the_current_version(client_request, db_session, scene):
    zephyr, acorn, _never = scene
    # Version 2 came out more than the grace period (8 weeks) ago: only its signatories are listed.
    # Two days more, not one: in the last hour of a UTC day a summer publication time is the next
    # day in London, and the grace period runs from the London day.
    current = service.current_version(db_session)
    current.published_at = utcnow() - timedelta(weeks=8, days=2)
    db_session.flush()
    html = client_request.get("/signatories").get_data(as_text=True)
    assert "1 organisation has signed" in html
    assert zephyr.name in html and "1 April 2026" in html and "Signed version 2" in html
    assert acorn.name not in html, "signed version 1 only"
    assert "HYPERLINK" not in html
    assert 'href="/signatories.csv"' in html
    assert 'href="/signatories/all"' not in html


def test_during_the_grace_period_earlier_signers_are_listed_with_their_re_signing_date(
    client_request, db_session, scene
):
    zephyr, acorn, _never = scene
    current = service.current_version(db_session)
    current.published_at = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
    db_session.flush()
    due_on = service.resigning_due_on(current, 8)
    assert due_on == date(2026, 12, 28)
    entries = service.register_entries(db_session, date(2026, 12, 28), 8)
    assert [(entry.signature.organisation.name, entry.description) for entry in entries] == [
        (acorn.name, "Signed version 1, re-signing due by 28 December 2026"),
        (zephyr.name, "Signed version 2"),
    ]
    assert [
        entry.signature.organisation.name for entry in service.register_entries(db_session, date(2026, 12, 29), 8)
    ] == [zephyr.name]
    current.published_at = utcnow() - timedelta(weeks=1)
    db_session.flush()
    html = client_request.get("/signatories").get_data(as_text=True)
    due = service.resigning_due_on(current, 8)
    assert "2 organisations have signed" in html
    assert f"Signed version 1, re-signing due by {due:%-d %B %Y}" in html and acorn.name in html


def test_the_register_downloads_as_csv(client_request, db_session, scene):
    zephyr, _, never = scene
    signer = create_user(db_session, Role.PROVIDER, organisation=never, is_organisation_admin=True)
    sign_current_version(db_session, signer, LATE_EVENING)
    response = client_request.get("/signatories.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="gm-first-signatories.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        ["organisation", "covenant_version", "signed_on"],
        ['\'=HYPERLINK("http://evil.example")', "2", "2026-04-01"],
        [zephyr.name, "2", "2026-04-01"],
    ]


@pytest.mark.parametrize("role", [Role.LA_CONTACT, Role.ESCALATION_OFFICER, Role.ADMIN])
def test_those_who_oversee_the_covenant_see_every_organisation(client_request, db_session, scene, role):
    zephyr, acorn, _never = scene
    client_request.login(create_user(db_session, role))
    html = client_request.get("/signatories/all").get_data(as_text=True)
    row = html[html.index(zephyr.name) :]
    assert row.index("Signed version 2") < row.index("</tr>")
    row = html[html.index(acorn.name) :]
    assert row.index("Signed version 1 — re-signing needed") < row.index("</tr>")
    row = html[html.index("=HYPERLINK") :]
    assert row.index("Not signed") < row.index("</tr>")
    assert 'href="/signatories/all"' in client_request.get("/signatories").get_data(as_text=True)


def test_providers_do_not_see_every_organisation(client_request, db_session, scene):
    client_request.login(create_user(db_session, Role.PROVIDER))
    client_request.get("/signatories/all", expected_status=403)
