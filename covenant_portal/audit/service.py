"""Audit events are added to the caller's session so they commit (or roll back) with the change."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from covenant_portal.audit.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where: a user (or nobody, for sign-up and the scheduler)."""

    user_id: int | None
    ip_address: str | None = None
    user_agent: str | None = None


SYSTEM = Actor(user_id=None, ip_address=None, user_agent="system")


def record(session: Session, actor: Actor, action: str, obj: Any, now: datetime, **details: Any) -> AuditEvent:
    event = AuditEvent(**event_row(actor, action, audit_type_of(obj), obj.id, now, **details))
    session.add(event)
    return event


def audit_type_of(obj: Any) -> str:
    """The record's type as the audit trail names it: its class's name, unless the class keeps an
    earlier name (`audit_type`) so that a renamed class's events stay together."""
    return getattr(type(obj), "audit_type", type(obj).__name__)


def event_row(actor: Actor, action: str, object_type: str, object_id: Any, now: datetime, **details: Any) -> dict:
    """An audit event's columns, as `record` writes them; for writing many at once with record_many."""
    return {
        "occurred_at": now,
        "actor_id": actor.user_id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "ip_address": actor.ip_address,
        "user_agent": (actor.user_agent or "")[:500] or None,
        "details": details,
    }


def record_many(session: Session, events: list[dict]) -> None:
    if events:
        session.execute(AuditEvent.__table__.insert(), events)


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor_email: str = ""
    object_type: str = ""
    since: datetime | None = None
    until: datetime | None = None


def find_events(session: Session, audit_filter: AuditFilter, limit: int = 200) -> list[AuditEvent]:
    """The newest events matching the filter, newest first, with their actors loaded.

    `since` is inclusive and `until` exclusive, so consecutive ranges never count an event twice.
    """
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    if audit_filter.action:
        query = query.where(AuditEvent.action == audit_filter.action)
    if audit_filter.object_type:
        query = query.where(AuditEvent.object_type == audit_filter.object_type)
    if audit_filter.actor_email:
        user = AuditEvent.actor.property.mapper.class_  # the user account model, whichever area defines it
        query = query.join(AuditEvent.actor).where(user.email == audit_filter.actor_email.strip().lower())
    if audit_filter.since:
        query = query.where(AuditEvent.occurred_at >= audit_filter.since)
    if audit_filter.until:
        query = query.where(AuditEvent.occurred_at < audit_filter.until)
    return list(session.scalars(query))


def known_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def known_object_types(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))
