"""Stale tabs on a concern's steps (web/stale.py): the version of the concern a step's page showed,
and the check, under the concern's write lock, that it is still that version and the step still open
to the person, made in the transaction that then takes the step."""

from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.concerns.models import Concern, ConcernEvent, EventKind
from covenant_portal.concerns.service import STAGE_LABELS, steps_open_to
from covenant_portal.web.stale import ChangedMeanwhile, check_seen, lock, version_of

# What a step's page does not show, so what does not change its version (step_version).
NOT_A_STEP = (EventKind.MESSAGE, EventKind.ACTION_DONE)


def step_version(concern: Concern) -> str:
    """The concern as a step's page shows it: its stage, when each step was last taken, its deadlines'
    extensions. A message does not change it: it moves no step on."""
    return version_of(
        concern.stage,
        [concern.acknowledged_at, concern.resolution_proposed_at, concern.resolved_at, concern.learning_arranged_at],
        [concern.held_at, concern.learning_recorded_at, concern.closed_at],
        [concern.acknowledgement_extra_days, concern.resolution_extra_days, concern.learning_extra_days],
    )


def last_step(concern: Concern) -> ConcernEvent | None:
    """The latest entry of the timeline that moved the concern on (not a message)."""
    return next((event for event in reversed(concern.events) if event.kind not in NOT_A_STEP), None)


def changed_by(concern: Concern, user: User) -> str | None:
    """Who took the concern's latest step, as the stale-tab page names them: "you (in another tab)",
    a person's name (both parties and officers see it on the timeline), None for the portal."""
    event = last_step(concern)
    if event is None or event.actor is None:
        return None
    return "you (in another tab)" if event.actor_id == user.id else event.actor.full_name


def check_step(session: Session, concern: Concern, user: User, step: str, seen: str | None) -> None:
    """ChangedMeanwhile if the step is no longer open to the user, or the concern is not the version
    their page showed (another tab, a colleague, the other party took a step meanwhile)."""
    lock(session, concern)
    stage = STAGE_LABELS[concern.stage].lower()
    by = changed_by(concern, user)
    if step not in steps_open_to(concern, user):
        raise ChangedMeanwhile("concern", by=by, detail=f"It is now {stage}, and that step is not open to you.")
    check_seen(seen, step_version(concern), ChangedMeanwhile("concern", by=by, detail=f"It is now {stage}."))
