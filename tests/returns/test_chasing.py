"""The chase_overdue_returns job: reminders 7 days before, on, 1 day and 7 days after the due date,
escalation at 14 days; each sent exactly once, through the outbox, to a real SMTP server."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from covenant_portal.access import Role
from covenant_portal.returns.chasing import service as chasing
from covenant_portal.returns.calendar.service import CalendarSettings, ensure_periods_saved
from covenant_portal.returns.jobs import chase_overdue_returns
from covenant_portal.returns.models import ReminderStage, ReturnReminder
from covenant_portal.returns.calendar.periods import adjust_due_date
from covenant_portal.returns.status import ReturnState, return_states
from covenant_portal.audit.models import AuditEvent
from covenant_portal.audit.service import Actor
from covenant_portal.contacts.models import ProviderContact
from covenant_portal.db import utcnow
from covenant_portal.homes.models import HomeStatus
from covenant_portal.mail.models import OutboxMessage
from tests.returns.chase_world import (
    CHASE_DATES,
    DUE_ON,
    as_of,
    build_world,
    name_la_contact,
    provider,
    q1_period,
    received_on,
    submit,
)
from tests.factories import create_user, local_authority
from tests.homes.homes import create_home

LATE_PROVIDER = ["late.admin@provider.example", "late.contact@provider.example"]
PERIOD = "Q1 2026 to 2027"
EXPECTED = {
    "due_in_7_days": [
        (to, f"Reminder: your quarterly return for {PERIOD} is due on 29 July 2026") for to in LATE_PROVIDER
    ],
    "due_today": [(to, f"Your quarterly return for {PERIOD} is due today") for to in LATE_PROVIDER],
    "overdue_1_day": [
        (to, f"Overdue: your quarterly return for {PERIOD} was due on 29 July 2026") for to in LATE_PROVIDER
    ],
    "overdue_7_days": [
        (to, f"Still overdue: your quarterly return for {PERIOD} was due on 29 July 2026") for to in LATE_PROVIDER
    ],
    "escalated": [
        (to, f"Escalated: Late Care Ltd has not sent its quarterly return for {PERIOD}")
        for to in ["officer@gm-first.example", "placements@bolton.example"]
    ],
}


@pytest.fixture
def flask_command(app, db_session):
    runner = app.test_cli_runner()

    def invoke(*args):
        with app.app_context():
            return runner.invoke(args=list(args))

    return invoke


@pytest.fixture
def world(app, db_session, mail_app_config, smtp_server):
    """The world, with the on-time provider's return signed on 20 July 2026 and the emails of the
    set-up (covenant and return confirmations) already delivered."""
    app.config.update(mail_app_config)
    world = build_world(db_session)
    db_session.commit()
    ensure_periods_saved(db_session, CalendarSettings.from_config(app.config), date(2026, 7, 1))
    submit(db_session, world.on_time, q1_period(db_session), as_of(date(2026, 7, 20)))
    received_on(db_session, smtp_server, date(2026, 7, 20))
    return world


def chase(db_session, day: date) -> str:
    return chase_overdue_returns(db_session, as_of(day))


def stages_sent(db_session, organisation) -> list[tuple[str, date]]:
    return list(
        db_session.execute(
            select(ReturnReminder.stage, ReturnReminder.sent_on)
            .where(ReturnReminder.organisation_id == organisation.id)
            .order_by(ReturnReminder.sent_on)
        ).all()
    )


def test_each_chase_date_replayed_with_the_cli_delivers_exactly_the_expected_emails(
    world, flask_command, db_session, smtp_server
):
    for stage, day in CHASE_DATES.items():
        result = flask_command("jobs", "run", "chase_overdue_returns", "--as-of", day.isoformat())

        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"chase_overdue_returns {day.isoformat()} succeeded: Chased 1 return (")
        assert received_on(db_session, smtp_server, day) == EXPECTED[stage], stage

        again = flask_command("jobs", "run", "chase_overdue_returns", "--as-of", day.isoformat())
        assert again.output == f"chase_overdue_returns {day.isoformat()}: already run (status succeeded).\n"
        assert chase(db_session, day) == "No returns to chase."  # even bypassing the job's slot claim
        assert received_on(db_session, smtp_server, day) == []

    escalation = smtp_server.messages_to("placements@bolton.example")[0]
    text = escalation.get_body(preferencelist=("plain",)).get_content()
    assert "It was due on 29 July 2026 and is now 14 days overdue." in text
    assert "Late Contact, Placements manager: late.contact@provider.example" in text
    assert "http://localhost/la/returns?period=" in text
    assert "a named contact of Bolton, where Late Care Ltd has homes" in text
    reminder = smtp_server.messages_to("late.contact@provider.example")[0]
    assert "is due on 29 July 2026, in 7 days." in reminder.get_body(preferencelist=("plain",)).get_content()
    assert 'href="http://localhost/returns"' in reminder.get_body(preferencelist=("html",)).get_content()


def test_days_between_the_chase_dates_send_nothing(world, db_session):
    for offset in range(-12, 25):
        chase(db_session, DUE_ON + timedelta(days=offset))

    assert stages_sent(db_session, world.late.organisation) == [
        (ReminderStage(stage), day) for stage, day in CHASE_DATES.items()
    ]
    assert stages_sent(db_session, world.on_time.organisation) == []  # signed before the first reminder
    assert stages_sent(db_session, world.newcomer.organisation) == []  # signed after Q1 began: owes nothing


def test_a_missed_day_sends_only_the_latest_stage_due(world, db_session, smtp_server):
    assert chase(db_session, date(2026, 8, 1)) == "Chased 1 return (1 day overdue: 1); 2 emails queued."
    assert chase(db_session, date(2026, 8, 20)) == "Chased 1 return (escalated: 1); 2 emails queued."
    assert chase(db_session, date(2026, 8, 21)) == "No returns to chase."

    assert stages_sent(db_session, world.late.organisation) == [
        (ReminderStage.OVERDUE_1_DAY, date(2026, 8, 1)),
        (ReminderStage.ESCALATED, date(2026, 8, 20)),
    ]
    received_on(db_session, smtp_server, date(2026, 8, 20))
    [late_reminder] = smtp_server.messages_to("late.contact@provider.example")
    text = late_reminder.get_body(preferencelist=("plain",)).get_content()
    assert "was due on 29 July 2026. It is 3 days overdue." in text  # says how things stand that day
    assert "If it has not been signed and sent by 12 August 2026" in text


def test_a_return_signed_after_reminders_stops_the_chase(world, db_session):
    chase(db_session, CHASE_DATES["due_today"])
    submit(db_session, world.late, q1_period(db_session), as_of(date(2026, 7, 29)) + timedelta(hours=3))

    assert chase(db_session, CHASE_DATES["overdue_1_day"]) == "No returns to chase."
    assert chase(db_session, CHASE_DATES["escalated"]) == "No returns to chase."


def test_escalation_marks_the_return_escalated_and_providers_see_their_reminders(world, db_session):
    period = q1_period(db_session)
    for day in CHASE_DATES.values():
        chase(db_session, day)
        if day == CHASE_DATES["overdue_7_days"]:
            assert return_states(db_session, period, day)[world.late.organisation.id] == ReturnState.OVERDUE

    states = return_states(db_session, period, CHASE_DATES["escalated"])
    assert states[world.late.organisation.id] == ReturnState.ESCALATED
    assert states[world.on_time.organisation.id] == ReturnState.SUBMITTED
    reminders = chasing.reminders_for(db_session, world.late.organisation.id)
    assert [(r.stage, r.period.label) for r in reminders] == [
        (ReminderStage(stage), PERIOD) for stage in reversed(list(CHASE_DATES))
    ]
    assert reminders[0].recipients == ["placements@bolton.example", "officer@gm-first.example"]
    assert reminders[-1].recipients == ["late.contact@provider.example", "late.admin@provider.example"]
    assert chasing.reminders_for(db_session, world.on_time.organisation.id) == []
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "return.escalated"))
    assert (event.object_type, event.object_id) == ("ReturnReminder", str(reminders[0].id))
    assert event.details == {"organisation_id": world.late.organisation.id, "period_id": period.id, "recipients": 2}


def test_escalation_tells_the_named_contacts_of_every_la_hosting_an_open_or_planned_home(
    world, db_session, smtp_server
):
    late = world.late
    create_home(
        db_session,
        late.organisation,
        host_local_authority=local_authority(db_session, "Bury"),
        status=HomeStatus.PLANNED,
    )
    create_home(
        db_session,
        late.organisation,
        host_local_authority=local_authority(db_session, "Wigan"),
        status=HomeStatus.CLOSED,
    )
    name_la_contact(db_session, "Wigan", "placements@wigan.example")
    ended = name_la_contact(db_session, "Bolton", "old.placements@bolton.example")
    ended.ended_at = utcnow()
    name_la_contact(db_session, "Bolton", "gone.placements@bolton.example", deactivated_at=utcnow())
    create_user(db_session, Role.ESCALATION_OFFICER, email="second.officer@gm-first.example")
    db_session.commit()

    chase(db_session, CHASE_DATES["escalated"])

    assert [to for to, _subject in received_on(db_session, smtp_server, CHASE_DATES["escalated"])] == [
        "officer@gm-first.example",
        "placements@bolton.example",
        "placements@bury.example",
        "second.officer@gm-first.example",
    ]


def test_moving_the_due_date_moves_the_stages_still_to_come(world, app, db_session):
    admin = create_user(db_session, Role.ADMIN)
    chase(db_session, CHASE_DATES["due_in_7_days"])  # due 29 July: reminded on 22 July
    adjust_due_date(db_session, q1_period(db_session), date(2026, 8, 5), "Portal outage", Actor(admin.id), utcnow())

    for offset in range(0, 30):
        chase(db_session, date(2026, 7, 23) + timedelta(days=offset))

    assert stages_sent(db_session, world.late.organisation) == [
        (ReminderStage.DUE_IN_7_DAYS, date(2026, 7, 22)),  # not again on 29 July, 7 days before 5 August
        (ReminderStage.DUE_TODAY, date(2026, 8, 5)),
        (ReminderStage.OVERDUE_1_DAY, date(2026, 8, 6)),
        (ReminderStage.OVERDUE_7_DAYS, date(2026, 8, 12)),
        (ReminderStage.ESCALATED, date(2026, 8, 19)),
    ]


def test_an_organisation_nobody_can_be_told_about_is_still_recorded_once(app, db_session):
    lonely = provider(db_session, "Lonely Care Ltd")
    db_session.execute(
        ProviderContact.__table__.update()
        .where(ProviderContact.organisation_id == lonely.organisation.id)
        .values(retired_at=utcnow())
    )
    lonely.user.deactivated_at = utcnow()
    db_session.commit()

    assert chase(db_session, CHASE_DATES["due_today"]) == "Chased 1 return (due today: 1); 0 emails queued."
    assert (
        chase(db_session, CHASE_DATES["due_today"] + timedelta(days=1))
        == "Chased 1 return (1 day overdue: 1); 0 emails queued."
    )
    [reminder, _] = chasing.reminders_for(db_session, lonely.organisation.id)
    assert reminder.recipients == []


def test_an_address_both_named_and_admin_gets_one_email(app, db_session):
    both = provider(db_session, "Solo Care Ltd", contact_email="solo.admin@provider.example")
    db_session.commit()

    chase(db_session, CHASE_DATES["due_today"])

    reminders = select(OutboxMessage.recipient).where(OutboxMessage.dedupe_key.startswith("return-reminder:"))
    assert db_session.scalars(reminders).all() == ["solo.admin@provider.example"]
    [reminder] = chasing.reminders_for(db_session, both.organisation.id)
    assert reminder.recipients == ["solo.admin@provider.example"]


def test_many_organisations_are_chased_in_chunks(app, db_session, monkeypatch):
    monkeypatch.setattr(chasing, "CHUNK_SIZE", 2)
    late = [provider(db_session, f"Chunk{number} Care Ltd") for number in range(5)]
    db_session.commit()

    assert chase(db_session, CHASE_DATES["due_today"]) == "Chased 5 returns (due today: 5); 10 emails queued."
    queued = select(func.count(OutboxMessage.id)).where(OutboxMessage.dedupe_key.startswith("return-reminder:"))
    assert db_session.scalar(queued) == 10
    assert {r.organisation_id for r in db_session.scalars(select(ReturnReminder))} == {
        signed.organisation.id for signed in late
    }


def test_late_returns_are_overdue_then_escalated(world, db_session):
    q1 = q1_period(db_session)
    assert chasing.late_returns(db_session, world.late.organisation.id, DUE_ON) == []  # due today: not late yet

    chase(db_session, CHASE_DATES["overdue_1_day"])
    assert chasing.late_returns(db_session, world.late.organisation.id, date(2026, 8, 1)) == [
        chasing.LateReturn(q1, escalated=False)
    ]
    chase(db_session, CHASE_DATES["escalated"])
    assert chasing.late_returns(db_session, world.late.organisation.id, date(2026, 8, 12)) == [
        chasing.LateReturn(q1, escalated=True)
    ]
    assert chasing.late_returns(db_session, world.on_time.organisation.id, date(2026, 8, 12)) == []
    assert chasing.late_returns(db_session, world.newcomer.organisation.id, date(2026, 8, 12)) == []


def test_the_provider_dashboard_shows_an_escalated_return(world, client_request, db_session):
    for day in CHASE_DATES.values():
        chase(db_session, day)
    client_request.login(world.late.user)

    html = client_request.get("/dashboard").get_data(as_text=True)

    late = re.search(r'<ul class="govuk-list" id="late-returns">(.*?)</ul>', html, re.S).group(1)
    assert re.search(
        r"Escalated\s*</strong>\s*Q1 2026 to 2027 \(April to June 2026\), due on 29 July 2026\. The local authorities",
        late,
    )
    assert 'href="/returns"' in html

    client_request.login(world.on_time.user)
    html = client_request.get("/dashboard").get_data(as_text=True)
    assert "Q1 2026 to 2027" not in html


def test_the_html_email_escapes_what_providers_typed(app, db_session):
    provider(db_session, "Smith & <Sons> Care Ltd")
    db_session.commit()

    chase(db_session, CHASE_DATES["due_in_7_days"])

    message = db_session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.recipient == "smith.admin@provider.example",
            OutboxMessage.dedupe_key.startswith("return-reminder:"),
        )
    )
    assert "The quarterly return of Smith &amp; &lt;Sons&gt; Care Ltd for Q1 2026 to 2027" in message.html_body
    assert "The quarterly return of Smith & <Sons> Care Ltd for Q1 2026 to 2027" in message.text_body
