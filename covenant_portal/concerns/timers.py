"""A concern's working-day timers (issue 13, point 5), all through working_days.clock: the
acknowledgement within 2 working days of logging, the resolution within 5 (high severity) or 15,
the learning response arranged within 10 of resolution, and each action by its own due date.
Officers' extensions add working days to a timer."""

from dataclasses import dataclass
from datetime import date

from covenant_portal.filters import london_day
from covenant_portal.concerns.models import Concern, ConcernAction, Severity, Stage, Timer
from covenant_portal.web.working_days import Clock, clock, working_days_between

ACKNOWLEDGEMENT_DAYS = 2
RESOLUTION_DAYS = {Severity.HIGH: 5, Severity.MEDIUM: 15, Severity.LOW: 15}
LEARNING_ARRANGED_DAYS = 10
TIMER_LABELS = {
    Timer.ACKNOWLEDGEMENT: "Acknowledgement",
    Timer.RESOLUTION: "Resolution",
    Timer.LEARNING: "Learning response arranged",
}
_BEFORE = {
    Timer.ACKNOWLEDGEMENT: (Stage.LOGGED,),
    Timer.RESOLUTION: (Stage.LOGGED, Stage.ACKNOWLEDGED, Stage.RESOLUTION_PROPOSED),
    Timer.LEARNING: (Stage.RESOLVED,),
}


@dataclass(frozen=True)
class RunningTimer:
    timer: Timer
    clock: Clock

    @property
    def label(self) -> str:
        return TIMER_LABELS[self.timer]


def timer_clock(concern: Concern, timer: Timer, today: date) -> Clock | None:
    """The timer's clock seen on `today`, or None if the timer has not started."""
    if timer is Timer.ACKNOWLEDGEMENT:
        return clock(london_day(concern.logged_at), ACKNOWLEDGEMENT_DAYS + concern.acknowledgement_extra_days, today)
    if timer is Timer.RESOLUTION:
        days = RESOLUTION_DAYS[Severity(concern.severity)] + concern.resolution_extra_days
        return clock(london_day(concern.logged_at), days, today)
    if concern.resolved_at is None:
        return None
    return clock(london_day(concern.resolved_at), LEARNING_ARRANGED_DAYS + concern.learning_extra_days, today)


def running_timers(concern: Concern, today: date) -> list[RunningTimer]:
    """The timers still running (the step they time not yet done), earliest due first."""
    running = []
    for timer, stages in _BEFORE.items():
        if concern.stage in stages:
            found = timer_clock(concern, timer, today)
            if found is not None:
                running.append(RunningTimer(timer, found))
    return sorted(running, key=lambda item: item.clock.due_on)


def open_actions(concern: Concern, today: date) -> list[tuple[str, Clock]]:
    """Each action not yet done, with its clock to its own due date."""
    return [(action.what, action_clock(action, today)) for action in concern.actions if action.done_at is None]


def action_clock(action: ConcernAction, today: date) -> Clock:
    return _to_due_date(action.due_on, today)


def next_deadline(concern: Concern, today: date) -> Clock | None:
    """The earliest deadline still to meet: a running timer's or an open action's (so a panel that
    says a deadline was missed also says which, also after the concern is closed)."""
    clocks = [item.clock for item in running_timers(concern, today)]
    clocks += [found for _what, found in open_actions(concern, today)]
    return min(clocks, key=lambda found: found.due_on, default=None)


def _to_due_date(due_on: date, today: date) -> Clock:
    if today <= due_on:
        return Clock(due_on=due_on, working_days_left=working_days_between(today, due_on))
    return Clock(due_on=due_on, working_days_left=-working_days_between(due_on, today))


def breached(concern: Concern, today: date) -> bool:
    return any(item.clock.overdue for item in running_timers(concern, today)) or any(
        found.overdue for _what, found in open_actions(concern, today)
    )


def resolved_within_deadline(concern: Concern) -> bool | None:
    """Whether the concern was resolved by its resolution due date (None while unresolved)."""
    if concern.resolved_at is None:
        return None
    found = timer_clock(concern, Timer.RESOLUTION, london_day(concern.resolved_at))
    return found is not None and not found.overdue
