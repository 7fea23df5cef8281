"""The re-signing chase ladder of a covenant version: the stages, and the day each falls on.

Counted in calendar days from the version's re-signing due date (`resigning_due_on`: the London day
it was published plus COVENANT_RESIGN_GRACE_WEEKS):

    14 days before   due_in_14_days   reminder to the organisation's named contacts and admins
    7 days before    due_in_7_days    reminder, the same people
    the due date     due_today        reminder, the same people (the last day on the register)
    1 day after      escalated        email to the named contacts of the LAs hosting the
                                      organisation's homes and to every active escalation officer
"""

from datetime import date, timedelta

from covenant_portal.covenant.models import ResigningStage

STAGE_OFFSETS: dict[ResigningStage, int] = {
    ResigningStage.DUE_IN_14_DAYS: -14,
    ResigningStage.DUE_IN_7_DAYS: -7,
    ResigningStage.DUE_TODAY: 0,
    ResigningStage.ESCALATED: 1,
}
STAGES = list(STAGE_OFFSETS)
RANK = {stage: rank for rank, stage in enumerate(STAGES)}


def stage_date(due_on: date, stage: ResigningStage) -> date:
    return due_on + timedelta(days=STAGE_OFFSETS[stage])


def stage_due(due_on: date, published_on: date, today: date) -> ResigningStage | None:
    """The latest stage whose date has come by `today` (never one before the version was published
    on `published_on`: until a version is out there is nothing to re-sign)."""
    if today < published_on:
        return None
    due = [stage for stage in STAGES if stage_date(due_on, stage) <= today]
    return due[-1] if due else None
