"""The scheduler's heartbeat: one row whose time the scheduler writes every minute, so that
monitoring (GET /healthz) can tell a scheduler that has stopped from one with nothing to do."""

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from covenant_portal.db import insert_ignoring_duplicates
from covenant_portal.jobs.models import SchedulerHeartbeat

HEARTBEAT_INTERVAL = timedelta(minutes=1)


def beat(session: Session, started_at: datetime, now: datetime) -> None:
    """Records that the scheduler started at `started_at` is alive at `now` (and commits)."""
    table = SchedulerHeartbeat.__table__
    session.execute(insert_ignoring_duplicates(session, table, ["id"]).values(id=1, beat_at=now, started_at=started_at))
    session.execute(
        update(SchedulerHeartbeat).where(SchedulerHeartbeat.id == 1).values(beat_at=now, started_at=started_at)
    )
    session.commit()


def last_heartbeat(session: Session) -> SchedulerHeartbeat | None:
    return session.scalar(select(SchedulerHeartbeat).where(SchedulerHeartbeat.id == 1))
