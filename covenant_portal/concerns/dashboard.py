"""What the concerns area asks of people on their dashboards, and its panels' lists: the parties'
own concerns, and for officers the open ones by stage, breached deadlines first."""

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user

from covenant_portal.concerns import service, timers
from covenant_portal.concerns.forms import CATEGORY_LABELS
from covenant_portal.concerns.models import Concern, Stage
from covenant_portal.concerns.parties import is_raiser
from covenant_portal.db import get_session, utcnow
from covenant_portal.web.areas import DashboardAction
from covenant_portal.web.working_days import Clock

# The step that moves a concern on from each stage (the parties'), and its words on a dashboard.
NEXT_STEP = {
    Stage.LOGGED: ("acknowledge", "Acknowledge the concern"),
    Stage.ACKNOWLEDGED: ("propose", "Propose a resolution to the concern"),
    Stage.RESOLUTION_PROPOSED: ("resolve", "Agree the resolution of the concern"),
    Stage.RESOLVED: ("arrange", "Arrange the learning response to the concern"),
    Stage.LEARNING_ARRANGED: ("held", "Record the learning response held for the concern"),
    Stage.LEARNING_HELD: ("learning", "Record the learning from the concern"),
}


@dataclass(frozen=True)
class PanelRow:
    concern: Concern
    stage: str
    next_due: Clock | None
    breached: bool


def raised_by(concern: Concern) -> str:
    if concern.raised_for_organisation is not None:
        return concern.raised_for_organisation.name
    if concern.raised_for_local_authority is not None:
        return concern.raised_for_local_authority.name
    return "the portal" if concern.raised_by is None else "an escalation officer"


def about(concern: Concern) -> str:
    if concern.about_organisation is not None:
        return concern.about_organisation.name
    return concern.about_local_authority.name if concern.about_local_authority is not None else ""


def _described(concern: Concern, words: str, today, user) -> tuple[str, str]:
    """The step in words for the person asked: the party it is about is told who raised it, the
    raiser whom their concern is about, an officer both."""
    category = CATEGORY_LABELS[concern.category].lower()
    if service.is_officer(user):
        text = f"{words} raised by {raised_by(concern)} about {about(concern)} ({category})"
    elif is_raiser(concern, user):
        text = f"{words.replace('the concern', 'your concern')} about {about(concern)} ({category})"
    else:
        text = f"{words} raised by {raised_by(concern)} about {category}"
    running = timers.running_timers(concern, today)
    if running:
        text += f": due {running[0].clock.due_on.strftime('%-d %B')}"
        return text, running[0].clock.describe()
    return text, ""


def concern_actions(session, user, now) -> list[DashboardAction]:
    today = timers.london_day(now)
    actions = []
    for concern in service.concerns_for(session, user):
        if service.is_officer(user):
            if concern.stage is Stage.LEARNING_RECORDED:
                text, hint = _described(concern, "Close the concern", today, user)
                actions.append(DashboardAction(text, url_for("concerns.concern", concern_id=concern.id), hint))
            continue
        step = NEXT_STEP.get(concern.stage)
        if step is not None and step[0] == "held" and service.held_too_early_problem(concern, now):
            step = None  # not asked before the day it was arranged for
        if step is not None and step[0] in service.steps_open_to(concern, user):
            text, hint = _described(concern, step[1], today, user)
            actions.append(DashboardAction(text, url_for(f"concerns.{step[0]}", concern_id=concern.id), hint))
        actions += _learning_actions(concern, today)
    return actions


def _learning_actions(concern: Concern, today) -> list[DashboardAction]:
    """Each learning action of the concern not yet done, by its own due date (both parties are
    chased for it, also after the concern is closed)."""
    return [
        DashboardAction(
            f"Mark the learning action of concern {concern.id} done once it is: {action.what}, "
            f"due {action.due_on.strftime('%-d %B')}",
            url_for("concerns.action_done", concern_id=concern.id, action_id=action.id),
            timers.action_clock(action, today).describe(),
        )
        for action in concern.actions
        if action.done_at is None
    ]


def panel_rows() -> list[PanelRow]:
    """The signed-in person's concerns for their panel: a party's all, an officer's the open ones,
    breached deadlines first, then by stage."""
    today = timers.london_day(utcnow())
    rows = []
    for concern in service.concerns_for(get_session(), current_user):
        if service.is_officer(current_user) and concern.stage is Stage.CLOSED:
            continue
        rows.append(
            PanelRow(
                concern,
                service.STAGE_LABELS[concern.stage],
                timers.next_deadline(concern, today),
                timers.breached(concern, today),
            )
        )
    order = list(Stage)
    return sorted(rows, key=lambda row: (not row.breached, order.index(row.concern.stage), row.concern.id))
