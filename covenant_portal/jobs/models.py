from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from covenant_portal.db import Base, str_enum, utcnow


class JobRunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobRun(Base):
    """A claim on one job for one time slot: the unique pair makes a second run of the slot a no-op."""

    __tablename__ = "job_run"
    __table_args__ = (
        sa.UniqueConstraint("job_name", "slot"),
        sa.CheckConstraint("status IN ('running', 'succeeded', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(sa.String(100))
    slot: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[JobRunStatus] = mapped_column(str_enum(JobRunStatus, length=16), default=JobRunStatus.RUNNING)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    summary: Mapped[str | None] = mapped_column(sa.Text)
    error: Mapped[str | None] = mapped_column(sa.Text)


class SchedulerHeartbeat(Base):
    """The scheduler's sign of life (one row): it writes the time every minute; GET /healthz reads it."""

    __tablename__ = "scheduler_heartbeat"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    beat_at: Mapped[datetime]
    started_at: Mapped[datetime]  # when the scheduler process that beats started
