"""The demo's calendar and its timeline of dated events.

The demo looks like about three years of use, counted back from the day it is made (`now`, the
CLI's --as-of). Each area's demo step (`Area.demo`) schedules what its people did and when, with
`Demo.at`; `Demo.run` then does it all in date order, through the areas' services, each with its
own past `now`. Order matters: a return signed before covenant version 2 was published cites
version 1, a chase email goes only to those who had not yet sent their return that day.

The calendar: "current" is the latest quarter whose return has opened; the twelve quarters
before it have signed returns; the signatories first signed in the weeks before those began (three
and a quarter to three and a half years back), so every one of the thirteen quarters is owed (a
return is owed for each quarter that starts after the organisation first signed).
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import ProviderOrganisation, User
from covenant_portal.accounts.passwords import PasswordSettings
from covenant_portal.jobs.registry import DailyAt, job_named
from covenant_portal.jobs.runner import Outcome, run_job
from covenant_portal.mail.links import Links
from covenant_portal.returns.calendar.service import CalendarSettings
from covenant_portal.returns.calendar.periods import (
    LONDON,
    default_due_date,
    next_quarter,
    quarter_dates,
    quarter_of,
)
from covenant_portal.filters import london_day

HISTORY_QUARTERS = 12  # quarters with signed returns before the current one


def at_london(day: date, hour: int, minute: int = 0) -> datetime:
    """A UTC time: that London wall-clock time on that day."""
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(timezone.utc)


def previous_quarter(financial_year: int, quarter: int) -> tuple[int, int]:
    return (financial_year, quarter - 1) if quarter > 1 else (financial_year - 1, 4)


@dataclass(frozen=True)
class Quarter:
    financial_year: int
    quarter: int
    starts_on: date
    ends_on: date
    due_on: date  # as the rules give it (the current quarter's may be moved: see returns.py)

    @property
    def opens_on(self) -> date:
        return self.ends_on + timedelta(days=1)


@dataclass(frozen=True)
class DemoCalendar:
    today: date
    quarters: tuple[Quarter, ...]  # the owed quarters, oldest first; the last is the current one

    @classmethod
    def as_of(cls, today: date, due_days: int) -> "DemoCalendar":
        current = previous_quarter(*quarter_of(today))
        year_quarter = current
        for _ in range(HISTORY_QUARTERS):
            year_quarter = previous_quarter(*year_quarter)
        quarters = []
        for _ in range(HISTORY_QUARTERS + 1):
            starts_on, ends_on = quarter_dates(*year_quarter)
            quarters.append(Quarter(*year_quarter, starts_on, ends_on, default_due_date(ends_on, due_days)))
            year_quarter = next_quarter(*year_quarter)
        return cls(today, tuple(quarters))

    @property
    def current(self) -> Quarter:
        return self.quarters[-1]

    @property
    def first_signing_day(self) -> date:
        """Four weeks before the first owed quarter starts (the signatories sign over three weeks)."""
        return self.quarters[0].starts_on - timedelta(days=28)

    @property
    def start(self) -> datetime:
        """When the demo organisations, people, homes and contacts were set up."""
        return at_london(self.first_signing_day - timedelta(days=21), 9)


@dataclass(order=True)
class _Event:
    when: datetime
    order: int
    action: Callable[[], None] = field(compare=False)


@dataclass(frozen=True)
class DemoSettings:
    """The settings the services the demo calls take (see docs/architecture.md, Explicit inputs)."""

    passwords: PasswordSettings
    links: Links
    calendar: CalendarSettings
    resign_grace_weeks: int = 8  # COVENANT_RESIGN_GRACE_WEEKS

    @classmethod
    def from_app(cls, app) -> "DemoSettings":
        return cls(
            PasswordSettings.from_config(app.config),
            Links.from_app(app),
            CalendarSettings.from_config(app.config),
            int(app.config["COVENANT_RESIGN_GRACE_WEEKS"]),
        )

    @property
    def due_days(self) -> int:
        return self.calendar.due_days


@dataclass
class Demo:
    """What every area's demo step gets: the session, the calendar, and the timeline to add to."""

    session: Session
    now: datetime
    calendar: DemoCalendar
    settings: "DemoSettings"
    # False when the demo's history is there already: only missing accounts, homes and contacts are
    # then added (each step checks), nothing dated.
    builds_history: bool = True
    logins: list = field(default_factory=list)
    _events: list[_Event] = field(default_factory=list)

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        """Do `action` at `when` (never later than now: anything due today happens by now)."""
        self._events.append(_Event(self.clock(when), len(self._events), action))

    def clock(self, when: datetime) -> datetime:
        """`when`, or now if that is sooner: nothing is dated in the future."""
        return min(when, self.now)

    def run(self) -> None:
        for event in sorted(self._events):
            event.action()
        self._events.clear()

    @staticmethod
    def job_time(name: str, day: date) -> datetime:
        """When the daily job `name` runs on London day `day` (its registered trigger), in UTC: the
        demo's runs of a job are dated at its scheduled time, as the scheduler's would be."""
        registered = job_named(name)
        assert registered is not None and isinstance(registered.trigger, DailyAt), f"no daily job named {name}"
        return registered.trigger.as_of_on(day).astimezone(timezone.utc)

    def run_job(self, name: str, when: datetime, work: Callable[[datetime], str]) -> None:
        """Job `name` run as of `when` (its slot claimed and its run recorded, dated then, as the
        scheduler's are, so the admin's job runs page shows it), doing `work(as_of)`: what the job
        does, with the demo's settings. A failure stops the demo, as a job's would not. A run due
        later today is done now, as before, but not recorded: its slot is the scheduler's to run."""
        at = self.clock(when)
        if at < when:
            work(at)
            return
        registered = job_named(name)
        assert registered is not None, f"no job named {name}"
        job = replace(registered, function=lambda _session, as_of: work(as_of))
        result = run_job(self.session, job, at, now=at)
        if result.outcome != Outcome.SUCCEEDED:
            raise RuntimeError(f"The demo's run of {result.message}")

    @property
    def today(self) -> date:
        return london_day(self.now)

    @staticmethod
    def london_today(now: datetime) -> date:
        return london_day(now)

    # Finding what the steps made

    def organisation(self, name: str) -> ProviderOrganisation | None:
        return self.session.scalar(select(ProviderOrganisation).where(ProviderOrganisation.name == name))

    def user(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(User.email == email))
