"""Issue 13, point 2: the finders the returns and covenant areas register, with chase_concerns:
each kind of broken duty raised as a concern once per case (replayed with --as-of), and its
meeting put on the timeline."""

from datetime import date, datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM
from covenant_portal.concerns.models import Concern, EventKind
from covenant_portal.covenant import service as covenant
from covenant_portal.covenant.duties import unsigned_after_grace
from covenant_portal.mail.links import Links
from covenant_portal.returns.calendar.service import CalendarSettings, ensure_periods_saved
from covenant_portal.returns.duties import escalated_returns
from covenant_portal.returns.jobs import chase_overdue_returns
from tests.covenant.helpers import sign_current_version
from tests.factories import create_user
from tests.returns.chase_world import as_of, build_world, q1_period, submit


def raised(session, prefix: str) -> list[Concern]:
    return list(session.scalars(select(Concern).where(Concern.case_key.startswith(prefix))))


def test_the_areas_register_their_finders(app):
    assert {escalated_returns, unsigned_after_grace} <= set(app.extensions["broken_duties"])


def test_an_escalated_return_is_raised_once_and_its_signing_recorded(app, db_session, flask_command):
    world = build_world(db_session)
    db_session.commit()
    ensure_periods_saved(db_session, CalendarSettings.from_config(app.config), date(2026, 7, 1))
    submit(db_session, world.on_time, q1_period(db_session), as_of(date(2026, 7, 20)))
    submit(db_session, world.newcomer, q1_period(db_session), as_of(date(2026, 7, 20)))
    for day in (date(2026, 7, 29), date(2026, 8, 12)):
        chase_overdue_returns(db_session, as_of(day))
    for day in ("2026-08-12T08:00:00+01:00", "2026-08-13T08:00:00+01:00"):
        flask_command("jobs", "run", "chase_concerns", "--as-of", day)
    [concern] = raised(db_session, "return-escalated:")
    assert concern.about_organisation_id == world.late.organisation.id and concern.raised_by_id is None
    assert concern.record_path.startswith("/la/returns")
    submit(db_session, world.late, q1_period(db_session), as_of(date(2026, 8, 14)))
    flask_command("jobs", "run", "chase_concerns", "--as-of", "2026-08-14T08:00:00+01:00")
    db_session.expire_all()
    assert [event.kind for event in concern.events].count(EventKind.DUTY_MET) == 1
    assert concern.duty_met_on == date(2026, 8, 14)


def test_an_organisation_unsigned_after_the_grace_period_is_raised_once(db_session, flask_command):
    signed = create_user(db_session, Role.PROVIDER)
    resigned = create_user(db_session, Role.PROVIDER)
    first = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    sign_current_version(db_session, signed, first)
    sign_current_version(db_session, resigned, first)
    wording = covenant.wording_of(covenant.current_version(db_session).document)
    wording.aims.append("Share what we learn")
    published = datetime(2026, 2, 2, 9, 0, tzinfo=timezone.utc)
    draft = covenant.draft_version(db_session, wording, create_user(db_session, Role.ADMIN), SYSTEM, published)
    covenant.publish_version(db_session, Links.from_app(current_app), draft, SYSTEM, published)
    sign_current_version(db_session, resigned, published + timedelta(days=3))
    db_session.commit()
    # 8 weeks' grace: the last day is 30 March 2026.
    flask_command("jobs", "run", "chase_concerns", "--as-of", "2026-03-30T08:00:00+01:00")
    assert raised(db_session, "covenant-unsigned:") == []
    for day in ("2026-03-31T08:00:00+01:00", "2026-04-01T08:00:00+01:00"):
        flask_command("jobs", "run", "chase_concerns", "--as-of", day)
    [concern] = raised(db_session, "covenant-unsigned:")
    assert concern.about_organisation_id == signed.organisation_id
