"""What GET /healthz tells monitoring: whether the database answers, when the scheduler last beat,
how long the oldest unsent email has waited and how many emails failed. Nothing about any person."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from covenant_portal.jobs.heartbeat import last_heartbeat
from covenant_portal.mail.models import OutboxMessage, OutboxStatus
from covenant_portal.signing.ledger import rfc3339


@dataclass(frozen=True)
class HealthSettings:
    scheduler_silent: timedelta  # HEALTH_SCHEDULER_SILENT_MINUTES
    mail_stuck: timedelta  # HEALTH_MAIL_STUCK_MINUTES

    @classmethod
    def from_config(cls, config) -> "HealthSettings":
        return cls(
            scheduler_silent=timedelta(minutes=float(config["HEALTH_SCHEDULER_SILENT_MINUTES"])),
            mail_stuck=timedelta(minutes=float(config["HEALTH_MAIL_STUCK_MINUTES"])),
        )


@dataclass
class Health:
    checked_at: datetime
    problems: list[str] = field(default_factory=list)
    database: dict = field(default_factory=dict)
    scheduler: dict | None = None
    mail: dict | None = None

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {
            "status": "ok" if self.healthy else "unhealthy",
            "checked_at": rfc3339(self.checked_at),
            "problems": self.problems,
            "database": self.database,
            "scheduler": self.scheduler,
            "mail": self.mail,
        }


def check_health(session: Session, settings: HealthSettings, now: datetime) -> Health:
    health = Health(checked_at=now)
    try:
        session.execute(text("SELECT 1"))
        health.database = {"reachable": True}
        health.scheduler = _scheduler(session, settings, now, health.problems)
        health.mail = _mail(session, settings, now, health.problems)
    except SQLAlchemyError:  # what went wrong may name hosts and users: it goes to the log, not here
        session.rollback()
        health.database = {"reachable": False}
        health.problems.append("The database is unreachable.")
    return health


def _seconds(duration: timedelta) -> int:
    return int(duration.total_seconds())


def _scheduler(session: Session, settings: HealthSettings, now: datetime, problems: list[str]) -> dict:
    heartbeat = last_heartbeat(session)
    silent = now - heartbeat.beat_at if heartbeat else None
    report = {
        "last_heartbeat_at": rfc3339(heartbeat.beat_at) if heartbeat else None,
        "silent_seconds": _seconds(silent) if silent is not None else None,
        "silent_limit_seconds": _seconds(settings.scheduler_silent),
    }
    if silent is None:
        problems.append("The scheduler has never written a heartbeat: is it running?")
    elif silent > settings.scheduler_silent:
        problems.append(f"The scheduler has been silent for {_seconds(silent)} seconds.")
    return report


def _mail(session: Session, settings: HealthSettings, now: datetime, problems: list[str]) -> dict:
    oldest_unsent, unsent = session.execute(
        select(func.min(OutboxMessage.created_at), func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)
    ).one()
    failed = session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.FAILED))
    waiting = now - oldest_unsent if oldest_unsent is not None else None
    if waiting is not None and waiting > settings.mail_stuck:
        problems.append(f"An email has waited unsent for {_seconds(waiting)} seconds.")
    return {
        "unsent": unsent,
        "oldest_unsent_at": rfc3339(oldest_unsent) if oldest_unsent is not None else None,
        "oldest_unsent_age_seconds": _seconds(waiting) if waiting is not None else None,
        "stuck_limit_seconds": _seconds(settings.mail_stuck),
        "failed": failed,
    }
