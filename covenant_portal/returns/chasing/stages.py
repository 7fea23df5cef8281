"""The chase ladder of quarterly returns: the stages, and the day each falls on."""

from datetime import date, timedelta

from covenant_portal.returns.models import ReminderStage, ReturnPeriod

# Days from the due date on which each stage falls, in the order they come.
STAGE_OFFSETS: dict[ReminderStage, int] = {
    ReminderStage.DUE_IN_7_DAYS: -7,
    ReminderStage.DUE_TODAY: 0,
    ReminderStage.OVERDUE_1_DAY: 1,
    ReminderStage.OVERDUE_7_DAYS: 7,
    ReminderStage.ESCALATED: 14,
}
STAGES = list(STAGE_OFFSETS)
RANK = {stage: rank for rank, stage in enumerate(STAGES)}
FIRST_OFFSET = min(STAGE_OFFSETS.values())
DEDUPE_KEY_LENGTH = 255


def stage_date(period: ReturnPeriod, stage: ReminderStage) -> date:
    return period.due_on + timedelta(days=STAGE_OFFSETS[stage])


def stage_due(period: ReturnPeriod, today: date) -> ReminderStage | None:
    """The latest stage whose date has come by `today`, if any."""
    due = [stage for stage in STAGES if stage_date(period, stage) <= today]
    return due[-1] if due else None
