"""Issue 13, points 2 and 6: the chase_concerns job reminds whoever holds a concern's next step the
working day before and on each deadline and tells the escalation officers 5 working days after a
missed one, each email once over a real SMTP server; and raises one concern per broken duty."""

from datetime import date, datetime, timezone

import pytest

from covenant_portal.web import duties
from covenant_portal.concerns import service
from covenant_portal.concerns.models import Concern, EventKind, Side
from tests.concerns.helpers import LOGGED_AT, about_la, make_parties
from tests.returns.chase_world import received_on


def at_seven(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 7, 0, tzinfo=timezone.utc)  # 07:00 in London (GMT)


@pytest.fixture
def world(app, db_session, mail_app_config, smtp_server):
    app.config.update(mail_app_config)
    parties = make_parties(db_session)
    concern = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)  # Mon 2 March, high
    db_session.commit()
    return parties, concern


def run(flask_command, day: date):
    return flask_command("jobs", "run", "chase_concerns", "--as-of", at_seven(day).isoformat())


def test_each_deadline_is_chased_once_before_on_and_escalated_after(world, flask_command, db_session, smtp_server):
    parties, concern = world
    la, provider, officer = parties.la_contact.email, parties.provider.email, parties.officer.email
    n = concern.id
    expected = {
        date(2026, 3, 3): [(la, f"Concern {n}: acknowledgement is due tomorrow")],
        date(2026, 3, 4): [(la, f"Concern {n}: acknowledgement is due")],
        date(2026, 3, 5): [],
        date(2026, 3, 6): [(la, f"Concern {n}: resolution is due tomorrow")],
        date(2026, 3, 9): [(la, f"Concern {n}: resolution is due")],
        date(2026, 3, 10): [],
        date(2026, 3, 11): [(officer, f"Concern {n}: acknowledgement deadline missed by 5 working days")],
        date(2026, 3, 16): [(officer, f"Concern {n}: resolution deadline missed by 5 working days")],
    }
    for day, emails in expected.items():
        run(flask_command, day)
        run(flask_command, day)  # twice: nothing more
        assert received_on(db_session, smtp_server, day) == sorted(emails), day
    assert smtp_server.messages_to(provider) == []
    assert smtp_server.messages_to(parties.other_la_contact.email) == []


def test_once_acknowledged_the_acknowledgement_is_not_chased(world, flask_command, db_session, smtp_server):
    parties, concern = world
    service.acknowledge(db_session, concern, parties.la_contact, at_seven(date(2026, 3, 2)))
    run(flask_command, date(2026, 3, 4))
    assert received_on(db_session, smtp_server, date(2026, 3, 4)) == []


def test_a_broken_duty_is_raised_once_per_case_and_its_meeting_goes_on_the_timeline(
    app, world, flask_command, db_session, smtp_server, monkeypatch
):
    parties, _concern = world
    found = {"met_on": None}

    def late_return(session, now):
        yield duties.BrokenDuty(
            case_key="return-escalated:test",
            party=duties.Party.PROVIDER,
            party_id=parties.other_provider.organisation_id,
            category="paperwork",
            summary="Q1 2026 to 2027 return not submitted 14 days after it was due",
            record_path="/la/returns/1",
            broken_on=date(2026, 3, 2),
            met_on=found["met_on"],
        )

    monkeypatch.setitem(app.extensions, "broken_duties", (*app.extensions["broken_duties"], late_return))
    if True:  # any finder an area registers
        run(flask_command, date(2026, 3, 2))
        run(flask_command, date(2026, 3, 3))
        raised = db_session.query(Concern).filter(Concern.case_key == "return-escalated:test").all()
        assert len(raised) == 1
        [concern] = raised
        assert concern.raised_by_id is None and concern.about_side is Side.PROVIDER
        assert concern.record_path == "/la/returns/1"
        subjects = [subject for _to, subject in received_on(db_session, smtp_server, date(2026, 3, 3))]
        assert subjects.count(f"Concern {concern.id} raised by the portal: {concern.description}") == 1
        found["met_on"] = date(2026, 3, 5)
        run(flask_command, date(2026, 3, 5))
        run(flask_command, date(2026, 3, 6))
        db_session.expire_all()
        assert [event.kind for event in concern.events].count(EventKind.DUTY_MET) == 1
        assert concern.duty_met_on == date(2026, 3, 5)
