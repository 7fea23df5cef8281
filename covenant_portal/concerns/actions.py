"""Marking a learning action done (issue 13, point 5: actions by their own due dates). Either
party to the concern, or an officer, marks it done, with a note if they like; it goes on the
timeline, and the daily chase (chasing.py, through timers.open_actions) no longer chases it."""

from datetime import datetime

from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.audit.service import Actor, record
from covenant_portal.concerns.models import Concern, ConcernAction, ConcernEvent, EventKind
from covenant_portal.concerns.service import ConcernError, may_see
from covenant_portal.web.identifiers import identifying_data_problem


def open_action(concern: Concern, action_id: int) -> ConcernAction | None:
    """The concern's action not yet done, or None."""
    return next((item for item in concern.actions if item.id == action_id and item.done_at is None), None)


def mark_done(session: Session, concern: Concern, action: ConcernAction, user: User, note: str, now: datetime) -> None:
    if not may_see(concern, user):
        raise ConcernError("You are not a party to this concern")
    if action.concern_id != concern.id or action.done_at is not None:
        raise ConcernError("This action is already done")
    problem = identifying_data_problem(note)
    if problem:
        raise ConcernError(problem, "note")
    action.done_at = now
    text = f"Action done: {action.what}" + (f". {note}" if note else "")
    session.add(ConcernEvent(concern=concern, kind=EventKind.ACTION_DONE, occurred_at=now, actor_id=user.id, text=text))
    record(session, Actor(user.id), "concern.action_done", concern, now, action_id=action.id)
    session.commit()
