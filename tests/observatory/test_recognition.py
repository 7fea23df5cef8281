"""Recognition (the "GM First partner" badge on the register), dialogue (providers below the
threshold listed for their host LA) and the variance alerts job."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from covenant_portal.access import Role
from covenant_portal.audit.models import AuditEvent
from covenant_portal.audit.service import SYSTEM
from covenant_portal.contacts import service as contacts
from covenant_portal.db import utcnow
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.observatory.service import for_dialogue, partners, work_out
from covenant_portal.observatory.settings import ObservatorySettings
from covenant_portal.returns.calendar.periods import quarter_of
from tests.factories import create_user, local_authority
from tests.observatory import scene as scene_module
from tests.observatory.scene import Q1_SIGNED, Q2_SIGNED, _organisation, sign
from tests.returns.helpers import period_of

TODAY = date(2026, 12, 1)  # the latest two quarters open: Q1 and Q2 2026 to 2027
SETTINGS = ObservatorySettings(cache_seconds=0)


@pytest.fixture
def scene(db_session):
    found = scene_module.build(db_session)
    q1, q2, _ = found.periods
    # S: 8 of 9 (89 %) then 8 of 10 (80 %, exactly the partner share); T: 90 % then 40 %
    s = _organisation(db_session, [("Bury", 10)])
    sign(db_session, s, q1, {s.homes[0]: ({"Bury": 6, "Bolton": 2}, 1, 1)}, Q1_SIGNED)
    sign(db_session, s, q2, {s.homes[0]: ({"Bury": 8}, 2, 0)}, Q2_SIGNED)
    t = _organisation(db_session, [("Bolton", 10)])
    sign(db_session, t, q1, {t.homes[0]: ({"Bolton": 9}, 1, 0)}, Q1_SIGNED)
    sign(db_session, t, q2, {t.homes[0]: ({"Bolton": 4}, 6, 0)}, Q2_SIGNED)
    return found, s, t


def test_partners_are_at_or_above_the_share_two_quarters_running(db_session, scene):
    found, s, _t = scene
    observatory = work_out(db_session, SETTINGS, TODAY)
    # P 67 % and 78 %; Q no share then 100 %; R 100 % then missing; T 90 % then 40 %
    assert partners(observatory, SETTINGS) == {s.organisation.id}
    assert partners(observatory, ObservatorySettings(cache_seconds=0, partner_share=65)) == {
        s.organisation.id,
        found.p.organisation.id,
    }


def test_providers_below_the_dialogue_threshold_are_listed_for_their_host_la(db_session, scene):
    _found, _s, t = scene
    observatory = work_out(db_session, SETTINGS, TODAY)
    assert for_dialogue(observatory, SETTINGS, local_authority(db_session, "Bolton").id) == [(t.organisation.id, 40.0)]
    assert for_dialogue(observatory, SETTINGS, local_authority(db_session, "Bury").id) == []


def test_the_register_badges_partners(client_request, db_session):
    """On the register as it stands today: the latest two quarters whose returns were due."""
    today = utcnow().date()
    latest = _previous(quarter_of(today))
    if period_of(db_session, *latest).due_on >= today:  # its returns are still coming in
        latest = _previous(latest)
    periods = [period_of(db_session, *_previous(latest)), period_of(db_session, *latest)]
    partner = _organisation(db_session, [("Bury", 5)])
    other = _organisation(db_session, [("Bury", 5)])
    for period in periods:
        signed_at = datetime.combine(period.opens_on, datetime.min.time(), UTC) + timedelta(hours=10)
        sign(db_session, partner, period, {partner.homes[0]: ({"Bury": 5}, 0, 0)}, signed_at)
        sign(db_session, other, period, {other.homes[0]: ({"Bury": 3}, 2, 0)}, signed_at)
    page = client_request.get_page("covenant.signatories")
    rows = {row.select_one("th, td").get_text(" ", strip=True) for row in page.soup.select("tbody tr")}
    assert f"{partner.organisation.name} GM First partner" in rows
    assert other.organisation.name in rows


def _previous(key):
    year, quarter = key
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def test_variance_alerts_go_once_to_host_la_contacts(app, db_session, scene):
    _found, _s, t = scene
    bolton_contact = create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Bolton"))
    contacts.name_la_contact(db_session, bolton_contact, "bolton.named@gm.example", "0161 496 0002", SYSTEM, Q1_SIGNED)
    bury_contact = create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Bury"))
    contacts.name_la_contact(db_session, bury_contact, "bury.named@gm.example", "0161 496 0003", SYSTEM, Q1_SIGNED)
    job = app.extensions["jobs"]
    (alerts,) = [each for each in job if each.name == "observatory_variance_alerts"]
    as_of = datetime(2026, 11, 16, 7, 30, tzinfo=UTC)  # after Q2's deadline
    summary = alerts.function(db_session, as_of)
    assert "1 providers" in summary and "1 alert emails" in summary
    again = alerts.function(db_session, as_of + timedelta(days=1))
    assert "0 alert emails" in again
    sent = list(
        db_session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("observatory-variance:%")))
    )
    assert [message.recipient for message in sent] == ["bolton.named@gm.example"]
    assert t.organisation.name in sent[0].subject and "90%" in sent[0].text_body and "40%" in sent[0].text_body
    events = db_session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "observatory.variance_alert_sent")
    )
    assert events == 1
    # Before Q2's deadline the quarters compared are Q4 and Q1: T's share did not fall then.
    assert "alert emails" not in alerts.function(db_session, datetime(2026, 10, 1, 7, 30, tzinfo=UTC))


def test_the_la_page_lists_providers_below_the_dialogue_threshold(client_request, db_session):
    today = utcnow().date()
    latest = _previous(quarter_of(today))
    if period_of(db_session, *latest).due_on >= today:
        latest = _previous(latest)
    period = period_of(db_session, *latest)
    low = _organisation(db_session, [("Bolton", 5)])
    high = _organisation(db_session, [("Bolton", 5)])
    signed_at = datetime.combine(period.opens_on, datetime.min.time(), UTC) + timedelta(hours=10)
    sign(db_session, low, period, {low.homes[0]: ({"Bolton": 1}, 3, 1)}, signed_at)  # 25 %
    sign(db_session, high, period, {high.homes[0]: ({"Bolton": 4}, 0, 1)}, signed_at)
    contact = create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Bolton"))
    client_request.login(contact)
    page = client_request.get_page("observatory.local_authority", la_id=contact.local_authority_id)
    heading = page.soup.find("h2", string="Providers below the dialogue threshold")
    listed = heading.find_next("ul").get_text(" ", strip=True)
    assert f"{low.organisation.name}: 25%" in listed and high.organisation.name not in listed
    link = heading.find_next("ul").find("a")
    assert link is not None and f"provider_id={low.organisation.id}" in link["href"]
    start = client_request.get_page(link["href"])
    assert start.soup.find("input", {"name": "topic"})["value"] == "GM share below the dialogue threshold"
