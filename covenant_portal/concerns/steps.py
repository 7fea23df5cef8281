"""Stale tabs on a concern's steps (web/stale.py): the version of the concern a step's page showed,
and the check, under the concern's write lock, that it is still that version and the step still open
to the person, made in the transaction that then takes the step."""

from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.concerns.models import Concern
from covenant_portal.concerns.service import STAGE_LABELS, steps_open_to
from covenant_portal.web.stale import ChangedMeanwhile, check_seen, lock, version_of


def step_version(concern: Concern) -> str:
    """The concern as a step's page shows it: its stage, when each step was last taken, its deadlines'
    extensions. A message does not change it: it moves no step on."""
    return version_of(
        concern.stage,
        [concern.acknowledged_at, concern.resolution_proposed_at, concern.resolved_at, concern.learning_arranged_at],
        [concern.held_at, concern.learning_recorded_at, concern.closed_at],
        [concern.acknowledgement_extra_days, concern.resolution_extra_days, concern.learning_extra_days],
    )


def check_step(session: Session, concern: Concern, user: User, step: str, seen: str | None) -> None:
    """ChangedMeanwhile if the step is no longer open to the user, or the concern is not the version
    their page showed (another tab, a colleague, the other party took a step meanwhile)."""
    lock(session, concern)
    stage = STAGE_LABELS[concern.stage].lower()
    if step not in steps_open_to(concern, user):
        raise ChangedMeanwhile("concern", detail=f"It is now {stage}, and that step is not open to you.")
    check_seen(seen, step_version(concern), ChangedMeanwhile("concern", detail=f"It is now {stage}."))
