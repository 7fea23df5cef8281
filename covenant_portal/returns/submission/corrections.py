"""Correcting a signed return: a new draft made from the latest signed version, signed later as
version n+1 that supersedes it."""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import User
from covenant_portal.returns.models import (
    QuarterlyReturn,
)
from covenant_portal.audit.service import Actor
from covenant_portal.returns.submission.errors import SubmissionError


def draft_from_document(document: dict, based_on: int) -> dict:
    """A draft holding a signed version's answers, each already reviewed (they are this period's)."""
    return {
        "pledges": {
            str(pledge["number"]): {
                "status": pledge["status"],
                "narrative": pledge["narrative"],
                "from_last_quarter": False,
            }
            for pledge in document["pledges"]
        },
        "occupancy": {
            str(home["homeId"]): {
                "placed_by": {code: children for code, children in home["placedBy"].items()},
                "placed_outside_gm": home["placedOutsideGm"],
                "vacant_places": home["vacantPlaces"],
                "registered_places": home["registeredPlaces"],
                "from_last_quarter": False,
            }
            for home in document["occupancy"]
        },
        "contacts": {"confirmed": True, "from_last_quarter": False},
        "based_on": based_on,
    }


def start_correction(
    session: Session, quarterly_return: QuarterlyReturn, user: User, actor: Actor, now: datetime
) -> QuarterlyReturn:
    """Opens a new draft from the latest signed version. If a draft is already open (a colleague
    started the correction), it is kept as it is."""
    latest = quarterly_return.latest_submission
    if latest is None:
        raise SubmissionError("This return has not been signed yet, so there is nothing to correct.")
    if quarterly_return.draft is not None:
        return quarterly_return
    lock = quarterly_return.draft_lock
    opened = session.execute(
        update(QuarterlyReturn)
        .where(
            QuarterlyReturn.id == quarterly_return.id,
            QuarterlyReturn.draft_lock == lock,
        )
        .values(
            draft=draft_from_document(latest.document, latest.id),
            draft_lock=lock + 1,
            draft_updated_at=now,
            draft_updated_by_id=user.id,
            draft_saved=False,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if opened == 1:
        audit.record(
            session,
            actor,
            "attestation.correction_started",
            quarterly_return,
            now,
            organisation_id=quarterly_return.organisation_id,
            period_id=quarterly_return.period_id,
            based_on_version=latest.version,
        )
    session.commit()
    session.refresh(quarterly_return)
    return quarterly_return
