"""Working days (kernel: knows no area): weekdays that are not England bank holidays.

Every clock the portal keeps in working days uses these: a return's due date moving off a weekend,
an expansion proposal's first response (10 working days), a concern's acknowledgement (2), and so on.
A clock can be paused (an LA waiting for a provider's answer): the days of a pause do not count.

Counting rule, the one used throughout: a clock started on day S with N working days is due on the
N-th working day after S (S itself never counts, so a proposal submitted on a Friday with 10 working
days is due on the Friday a fortnight later, bank holidays aside).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays

# A pause: the first and the last day on which the clock did not run (both included). An open
# pause (still waiting) has `None` as its last day.
Pause = tuple[date, date | None]


@cache
def _england_bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _england_bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _paused(day: date, pauses: Iterable[Pause]) -> bool:
    return any(first <= day and (last is None or day <= last) for first, last in pauses)


def _counts(day: date, pauses: tuple[Pause, ...]) -> bool:
    return is_working_day(day) and not _paused(day, pauses)


def add_working_days(start: date, days: int, pauses: Iterable[Pause] = ()) -> date:
    """The `days`-th counting working day after `start` (paused days do not count). Every pause must
    be closed: `clock` closes an open one at today to project where the clock stands."""
    pauses = tuple(pauses)
    if days < 0:
        raise ValueError("days must not be negative")
    if any(last is None for _, last in pauses):
        raise ValueError("an open pause has no end: close it (last day = today) to project a date")
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if _counts(day, pauses):
            left -= 1
    return day


def working_days_between(first: date, last: date, pauses: Iterable[Pause] = ()) -> int:
    """Counting working days after `first` up to and including `last` (0 if `last` <= `first`):
    how many working days a step took, or how many are left from today to a due date."""
    pauses = tuple(pauses)
    if last <= first:
        return 0
    return sum(1 for n in range(1, (last - first).days + 1) if _counts(first + timedelta(days=n), pauses))


@dataclass(frozen=True)
class Clock:
    """A working-day clock as a page shows it: the due date, and working days left (negative once
    overdue: -3 is three working days late). `paused` while a pause is open."""

    due_on: date
    working_days_left: int
    paused: bool = False

    @property
    def overdue(self) -> bool:
        return self.working_days_left < 0

    def describe(self, mid_sentence: bool = False) -> str:
        """ "3 working days left", "Due today", "2 working days overdue", with "(paused)": to start a
        sentence or stand alone (a table cell); `mid_sentence` for after other words ("Due 3 May 2027:
        due today"), the only difference being "due today"."""
        left = self.working_days_left
        if left > 0:
            text = f"{left} working day{'s' if left != 1 else ''} left"
        elif left == 0:
            text = "due today" if mid_sentence else "Due today"
        else:
            text = f"{-left} working day{'s' if left != -1 else ''} overdue"
        return f"{text} (paused)" if self.paused else text


def clock(start: date, days: int, today: date, pauses: Iterable[Pause] = ()) -> Clock:
    """The clock of a step started on `start` with `days` working days, seen on `today`. An open
    pause is treated as lasting to today (the clock is stopped; its due date moves on each day)."""
    pauses = tuple(pauses)
    is_paused = any(last is None and first <= today for first, last in pauses)
    closed = tuple((first, today if last is None else last) for first, last in pauses)
    due_on = add_working_days(start, days, closed)
    if today <= due_on:
        left = working_days_between(today, due_on, closed)
    else:
        left = -working_days_between(due_on, today, closed)
    return Clock(due_on=due_on, working_days_left=left, paused=is_paused)
