"""record() adds the event to the caller's session: it commits, or rolls back, with the change."""

from datetime import datetime, timezone

from sqlalchemy import func, select

from covenant_portal.access import Role
from covenant_portal.audit.models import AuditEvent
from covenant_portal.audit.service import SYSTEM, Actor, record
from tests.factories import create_user

NOW = datetime(2026, 5, 4, 10, 30, tzinfo=timezone.utc)


def test_an_event_names_the_actor_the_object_and_where_from(db_session):
    admin = create_user(db_session, Role.ADMIN)
    target = create_user(db_session, Role.ESCALATION_OFFICER)
    record(db_session, Actor(admin.id, "198.51.100.7", "x" * 600), "user.deactivated", target, NOW, reason="left")
    db_session.flush()
    db_session.expire_all()

    event = db_session.scalars(select(AuditEvent)).one()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        admin,
        "user.deactivated",
        "User",
        str(target.id),
    )
    assert event.occurred_at == NOW
    assert event.ip_address == "198.51.100.7"
    assert event.user_agent == "x" * 500  # kept to the column's size
    assert event.details == {"reason": "left"}


def test_an_event_is_undone_with_the_change_it_records(db_session):
    target = create_user(db_session, Role.ESCALATION_OFFICER)
    record(db_session, SYSTEM, "user.reminded", target, NOW)
    db_session.rollback()
    assert db_session.scalar(select(func.count(AuditEvent.id))) == 0
