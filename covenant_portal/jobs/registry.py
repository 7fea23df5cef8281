"""The one schedule table of scheduled jobs.

A job function takes (session, as_of) and returns a one-line summary; it calls services, which
commit. To add a job, write its function in its own area and list a `Job` in the area's `Area(jobs=…)`
(covenant_portal/web/areas.py): the app collects them when it starts. `scheduled_jobs()` is the table.

Each trigger names its slots: one run per slot ever happens (see runner.py). Minute jobs have one
slot per UTC minute ("YYYY-MM-DDTHH:MM"); daily jobs one per Europe/London date ("YYYY-MM-DD").
Each trigger's misfire grace is shorter than its interval, so a late run still falls in the slot
of the fire time it belongs to.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from flask import Flask, current_app
from sqlalchemy.orm import Session

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class EveryMinute:
    misfire_grace = timedelta(seconds=30)

    @property
    def description(self) -> str:
        return "Every minute"

    def cron_trigger(self) -> CronTrigger:
        return CronTrigger(minute="*", timezone=LONDON)

    def latest_fire_time(self, moment: datetime) -> datetime:
        return moment.astimezone(timezone.utc).replace(second=0, microsecond=0)

    def slot_name(self, fire_time: datetime) -> str:
        return fire_time.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M")

    def as_of_on(self, day: date) -> datetime:
        """A minute job asked to run "on a day" runs as of the first minute of that London day."""
        return datetime.combine(day, time(0, 0), LONDON)


@dataclass(frozen=True)
class DailyAt:
    hour: int
    minute: int = 0
    misfire_grace = timedelta(hours=6)

    @property
    def description(self) -> str:
        return f"Daily at {self.hour:02d}:{self.minute:02d} (Europe/London)"

    def cron_trigger(self) -> CronTrigger:
        return CronTrigger(hour=self.hour, minute=self.minute, timezone=LONDON)

    def latest_fire_time(self, moment: datetime) -> datetime:
        local_day = moment.astimezone(LONDON).date()
        fire_time = self.as_of_on(local_day)
        return fire_time if fire_time <= moment else self.as_of_on(local_day - timedelta(days=1))

    def slot_name(self, fire_time: datetime) -> str:
        return fire_time.astimezone(LONDON).date().isoformat()

    def as_of_on(self, day: date) -> datetime:
        return datetime.combine(day, time(self.hour, self.minute), LONDON)


Trigger = EveryMinute | DailyAt


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[[Session, datetime], str]
    trigger: Trigger
    description: str

    def slot_for(self, as_of: datetime) -> str:
        """The slot a run as of this moment belongs to: that of the latest fire time at or before it."""
        return self.trigger.slot_name(self.trigger.latest_fire_time(as_of))


def scheduled_jobs(app: Flask | None = None) -> tuple[Job, ...]:
    """The schedule table: every area's jobs, in the order the areas were registered."""
    return (app or current_app).extensions["jobs"]


def job_named(name: str, app: Flask | None = None) -> Job | None:
    return next((job for job in scheduled_jobs(app) if job.name == name), None)
