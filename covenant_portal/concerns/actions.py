"""Marking a learning action done (issue 13, point 5: actions by their own due dates). Either
party to the concern, or an officer, marks it done, with a note if they like; it goes on the
timeline, and the daily chase (chasing.py, through timers.open_actions) no longer chases it. Sent
from a page opened before someone marked it done (a second tab, the other party), it is refused
with the portal's one stale-tab answer (web/stale.py, 409: `done_meanwhile`)."""

from datetime import datetime

from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.audit.service import Actor, record
from covenant_portal.concerns.models import Concern, ConcernAction, ConcernEvent, EventKind
from covenant_portal.concerns.service import ConcernError, may_see
from covenant_portal.filters import london_date
from covenant_portal.web.identifiers import identifying_data_problem
from covenant_portal.web.stale import ChangedMeanwhile, lock


def action_of(concern: Concern, action_id: int) -> ConcernAction | None:
    """The concern's action, done or not, or None."""
    return next((item for item in concern.actions if item.id == action_id), None)


def done_by(concern: Concern, action: ConcernAction, user: User) -> str | None:
    """Who marked the action done, as the stale-tab page names them (the timeline names them too)."""
    event = next(
        (
            event
            for event in reversed(concern.events)
            if event.kind is EventKind.ACTION_DONE and event.occurred_at == action.done_at
        ),
        None,
    )
    if event is None or event.actor is None:
        return None
    return "you (in another tab)" if event.actor_id == user.id else event.actor.full_name


def done_meanwhile(concern: Concern, action: ConcernAction, user: User) -> ChangedMeanwhile:
    """What the stale-tab page says of an action marked done while its page was open."""
    return ChangedMeanwhile(
        "learning action",
        by=done_by(concern, action, user),
        detail=f"It was marked done on {london_date(action.done_at)}." if action.done_at else "",
    )


def mark_done(session: Session, concern: Concern, action: ConcernAction, user: User, note: str, now: datetime) -> None:
    if not may_see(concern, user):
        raise ConcernError("You are not a party to this concern")
    if action.concern_id != concern.id:
        raise ConcernError("This action is not one of this concern's")
    lock(session, action)  # marked done at the same moment (another tab, the other party)? One is.
    if action.done_at is not None:
        raise ConcernError("This action is already done")
    problem = identifying_data_problem(note)
    if problem:
        raise ConcernError(problem, "note")
    action.done_at = now
    text = f"Action done: {action.what}" + (f". {note}" if note else "")
    session.add(ConcernEvent(concern=concern, kind=EventKind.ACTION_DONE, occurred_at=now, actor_id=user.id, text=text))
    record(session, Actor(user.id), "concern.action_done", concern, now, action_id=action.id)
    session.commit()
