"""The chase_covenant_resigning job: when version 2 is published, organisations that signed version 1
and have not signed version 2 are reminded 14 and 7 days before the re-signing due date (published
plus COVENANT_RESIGN_GRACE_WEEKS) and on it, then escalated the day after to the host LAs' named
contacts and the escalation officers; each email once, through the outbox, to a real SMTP server."""

from datetime import UTC, date, datetime

import pytest
from flask import current_app
from sqlalchemy import select

from covenant_portal.audit.models import AuditEvent
from covenant_portal.audit.service import SYSTEM
from covenant_portal.covenant.area import CHASE_COVENANT_RESIGNING
from covenant_portal.covenant.chasing.jobs import chase_covenant_resigning
from covenant_portal.covenant.chasing.service import escalated_organisation_ids
from covenant_portal.covenant.models import ResigningReminder, ResigningStage
from covenant_portal.covenant.service import current_version, draft_version, publish_version, version_numbered
from covenant_portal.demo.covenant import version_2_wording
from covenant_portal.mail.jobs import send_due_messages
from covenant_portal.mail.links import Links
from tests.covenant.helpers import sign_current_version
from tests.factories import create_user
from tests.returns.chase_world import name_la_contact, provider
from covenant_portal.access import Role
from covenant_portal.accounts.models import User

PUBLISHED_AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # 10:00 in London
DUE_ON = date(2026, 7, 27)  # 1 June 2026 plus 8 weeks
CHASE_DATES = {
    "due_in_14_days": date(2026, 7, 13),
    "due_in_7_days": date(2026, 7, 20),
    "due_today": date(2026, 7, 27),
    "escalated": date(2026, 7, 28),
}
LATE = ["late.admin@provider.example", "late.contact@provider.example"]
REMINDER = "Reminder: sign version 2 of the GM First Covenant by 27 July 2026"
EXPECTED = {
    "due_in_14_days": [(to, REMINDER) for to in LATE],
    "due_in_7_days": [(to, REMINDER) for to in LATE],
    "due_today": [(to, "Sign version 2 of the GM First Covenant today to stay on the register") for to in LATE],
    "escalated": [
        (to, "Escalated: Late Care Ltd has not signed version 2 of the GM First Covenant")
        for to in ["officer@gm-first.example", "placements@bolton.example"]
    ],
}


def as_of(day: date) -> datetime:
    return CHASE_COVENANT_RESIGNING.trigger.as_of_on(day)


def received_on(session, smtp_server, day: date) -> list[tuple[str, str]]:
    before = len(smtp_server.messages)
    while send_due_messages(session, as_of(day)).sent:
        pass
    return sorted((message["To"], " ".join(message["Subject"].split())) for message in smtp_server.messages[before:])


def publish_version_2(session, when=PUBLISHED_AT):
    admin = create_user(session, Role.ADMIN)
    draft = draft_version(session, version_2_wording(current_version(session).document), admin, SYSTEM, when)
    publish_version(session, Links.from_app(current_app), draft, SYSTEM, when)
    return version_numbered(session, 2)


@pytest.fixture
def world(app, db_session, mail_app_config, smtp_server):
    """Late Care and Prompt Homes signed version 1 (Late Care never signs version 2; Prompt Homes
    signs it on 5 June); Unsigned Ltd never signed; the set-up's emails already delivered."""
    app.config.update(mail_app_config)
    late = provider(db_session, "Late Care Ltd")
    prompt = provider(db_session, "Prompt Homes Ltd")
    unsigned = provider(db_session, "Unsigned Ltd", signed_at=None)
    name_la_contact(db_session, "Bolton", "placements@bolton.example")
    name_la_contact(db_session, "Bury", "placements@bury.example")  # hosts none of Late Care's homes
    create_user(db_session, Role.ESCALATION_OFFICER, email="officer@gm-first.example", full_name="Esme Officer")
    db_session.commit()
    publish_version_2(db_session)
    sign_current_version(db_session, prompt.user, datetime(2026, 6, 5, 9, 0, tzinfo=UTC))
    received_on(db_session, smtp_server, date(2026, 6, 6))
    return {"late": late, "prompt": prompt, "unsigned": unsigned}


@pytest.fixture
def flask_command(app, db_session):
    runner = app.test_cli_runner()

    def invoke(*args):
        with app.app_context():
            return runner.invoke(args=list(args))

    return invoke


def stages_sent(session, organisation) -> list[tuple[ResigningStage, date]]:
    return list(
        session.execute(
            select(ResigningReminder.stage, ResigningReminder.sent_on)
            .where(ResigningReminder.organisation_id == organisation.id)
            .order_by(ResigningReminder.sent_on)
        ).all()
    )


def test_each_chase_date_replayed_with_the_cli_delivers_exactly_the_expected_emails(
    world, flask_command, db_session, smtp_server
):
    for stage, day in CHASE_DATES.items():
        result = flask_command("jobs", "run", "chase_covenant_resigning", "--as-of", day.isoformat())
        assert result.exit_code == 0, result.output
        assert result.output.startswith(
            f"chase_covenant_resigning {day.isoformat()} succeeded: Chased 1 organisation to re-sign version 2"
        )
        assert received_on(db_session, smtp_server, day) == EXPECTED[stage], stage

        again = flask_command("jobs", "run", "chase_covenant_resigning", "--as-of", day.isoformat())
        assert again.output == f"chase_covenant_resigning {day.isoformat()}: already run (status succeeded).\n"
        assert chase_covenant_resigning(db_session, as_of(day)) == "No re-signing to chase."  # past the slot claim
        assert received_on(db_session, smtp_server, day) == []

    reminder = smtp_server.messages_to("late.contact@provider.example")[0].get_body(preferencelist=("plain",))
    text = " ".join(reminder.get_content().split())
    assert "has not yet signed version 2. Sign it by 27 July 2026, in 14 days, to stay on the public register." in text
    assert "on 28 July 2026 the portal tells the local authorities where it has homes" in text
    assert "http://localhost/covenant/sign" in text
    escalation = smtp_server.messages_to("placements@bolton.example")[0].get_body(preferencelist=("plain",))
    text = " ".join(escalation.get_content().split())
    assert "Late Care Ltd signed version 1 of the GM First Covenant but has not signed version 2." in text
    assert "Re-signing was due by 27 July 2026, so it is no longer on the public register" in text
    assert "a named contact of Bolton, where Late Care Ltd has homes" in text
    assert "http://localhost/signatories/all" in text


def test_days_between_the_chase_dates_send_nothing_and_others_are_not_chased(world, db_session):
    for day in range(1, 32):
        chase_covenant_resigning(db_session, as_of(date(2026, 7, day)))
    chase_covenant_resigning(db_session, as_of(date(2026, 6, 2)))
    assert stages_sent(db_session, world["late"].organisation) == [
        (ResigningStage(stage), day) for stage, day in CHASE_DATES.items()
    ]
    assert stages_sent(db_session, world["prompt"].organisation) == []  # re-signed
    assert stages_sent(db_session, world["unsigned"].organisation) == []  # never signed: not re-signing


def test_a_missed_day_sends_only_the_latest_stage_due(world, db_session, smtp_server):
    assert chase_covenant_resigning(db_session, as_of(date(2026, 7, 22))) == (
        "Chased 1 organisation to re-sign version 2 (due in 7 days); 2 emails queued."
    )
    assert chase_covenant_resigning(db_session, as_of(date(2026, 8, 3))).endswith("(escalated); 2 emails queued.")
    assert chase_covenant_resigning(db_session, as_of(date(2026, 8, 4))) == "No re-signing to chase."
    assert stages_sent(db_session, world["late"].organisation) == [
        (ResigningStage.DUE_IN_7_DAYS, date(2026, 7, 22)),
        (ResigningStage.ESCALATED, date(2026, 8, 3)),
    ]
    received_on(db_session, smtp_server, date(2026, 8, 3))
    [reminder] = smtp_server.messages_to("late.contact@provider.example")
    assert "in 5 days" in reminder.get_body(preferencelist=("plain",)).get_content()  # as things stood that day


def test_re_signing_stops_the_chase(world, db_session):
    chase_covenant_resigning(db_session, as_of(CHASE_DATES["due_in_14_days"]))
    sign_current_version(db_session, world["late"].user, datetime(2026, 7, 14, 9, 0, tzinfo=UTC))
    for day in list(CHASE_DATES.values())[1:]:
        assert chase_covenant_resigning(db_session, as_of(day)) == "No re-signing to chase."


def test_escalation_is_audited_and_recorded(world, db_session):
    for day in CHASE_DATES.values():
        chase_covenant_resigning(db_session, as_of(day))
    version = version_numbered(db_session, 2)
    assert escalated_organisation_ids(db_session, version) == {world["late"].organisation.id}
    reminder = db_session.scalar(select(ResigningReminder).where(ResigningReminder.stage == ResigningStage.ESCALATED))
    assert reminder.recipients == ["placements@bolton.example", "officer@gm-first.example"]
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "covenant.resigning_escalated"))
    assert (event.object_type, event.object_id) == ("ResigningReminder", str(reminder.id))
    assert event.details == {"organisation_id": world["late"].organisation.id, "covenant_version": 2, "recipients": 2}


def test_the_grace_setting_moves_the_ladder(world, app, db_session):
    app.config["COVENANT_RESIGN_GRACE_WEEKS"] = 4  # due 29 June 2026
    assert chase_covenant_resigning(db_session, as_of(date(2026, 6, 14))) == "No re-signing to chase."
    assert "(due in 14 days)" in chase_covenant_resigning(db_session, as_of(date(2026, 6, 15)))
    assert "(escalated)" in chase_covenant_resigning(db_session, as_of(date(2026, 6, 30)))


def test_nothing_is_chased_before_a_second_version(app, db_session):
    provider(db_session, "Only Care Ltd")
    assert chase_covenant_resigning(db_session, as_of(date(2026, 7, 1))) == "No re-signing to chase."


def test_la_contacts_and_officers_are_told_of_escalated_providers_on_their_dashboard(world, client_request, db_session):
    for day in CHASE_DATES.values():
        chase_covenant_resigning(db_session, as_of(day))
    bolton = create_user(db_session, Role.LA_CONTACT, email="another@bolton.example")
    client_request.login(bolton)
    html = " ".join(client_request.get("/dashboard").get_data(as_text=True).split())
    assert (
        "1 provider with homes in Bolton has been escalated for not re-signing: version 2 of the covenant was due "
        "to be signed by 27 July 2026" in html
    )
    assert "Late Care Ltd" in html
    client_request.login(db_session.scalar(select(User).where(User.email == "officer@gm-first.example")))
    html = " ".join(client_request.get("/dashboard").get_data(as_text=True).split())
    assert "1 provider has been escalated for not re-signing" in html
