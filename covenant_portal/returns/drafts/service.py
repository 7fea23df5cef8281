"""A return's working draft: starting it (fresh, or from last quarter's signed return), saving it a
section at a time without overwriting a colleague's work, checking what is typed, and how far each
section has got.

Optimistic locking. Each page of the draft carries the `draft_lock` it was shown with and a
fingerprint of the section as shown. A save is an `UPDATE ... WHERE draft_lock = <the lock just
read>`, so of two saves made at once exactly one wins; the other reads the draft again. If a
colleague changed *this* section since the page was shown, the save is refused (`DraftConflict`,
naming who saved and when) and nothing is overwritten; if they changed another section only, the
save goes ahead on top of theirs (nobody's answers are lost either way).
"""

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import User
from covenant_portal.audit.service import Actor
from covenant_portal.contacts.service import current_contacts
from covenant_portal.returns.calendar.periods import owes_return
from covenant_portal.filters import london_day
from covenant_portal.returns.drafts.owed import (  # noqa: F401 (part of this module's interface)
    OwedReturn,
    compared_submission,
    last_signed_submission,
    owed_period,
    owed_returns,
    return_for_period,
    return_of,
    upcoming_period,
)
from covenant_portal.returns.drafts.paths import (  # also part of this module's interface
    CONTACTS_PATH,
    OCCUPANCY_PATH,
    pledge_path,
    section_of,
)
from covenant_portal.returns.drafts.rules import (  # noqa: F401 (the rules are part of this module's interface)
    LONGEST_NARRATIVE,
    MOST_PLACES,
    OCCUPANCY_COUNTS,
    OccupancyInput,
    PledgeInput,
    identifying_data_problem,
    occupancy_problems,
    pledge_problems,
)

from covenant_portal.returns.drafts.sections import (  # noqa: F401 (part of this module's interface)
    SECTION_STATUS_LABELS,
    Section,
    SectionStatus,
    contacts_status,
    occupancy_status,
    pledge_status,
    sections,
)
from covenant_portal.returns.models import (
    PledgeStatus,
    QuarterlyReturn,
    ReturnPeriod,
    ReturnSubmission,
)
from covenant_portal.returns.submission.document import open_homes
from covenant_portal.web.stale import version_of

SAVE_ATTEMPTS = 5

# Errors


class DraftError(ValueError):
    """Something about the return that stops the change; the message is fit to show the user."""


class DraftClosed(DraftError):
    """The return has no open draft (it was signed meanwhile, perhaps by a colleague)."""


class DraftInvalid(Exception):
    """What was typed breaks the rules: messages by field (see each save function for the keys)."""

    def __init__(self, errors: dict[Any, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class DraftConflict(Exception):
    """A colleague saved the same section after the page was shown: nothing was saved."""

    def __init__(self, saved_by: str, saved_at: datetime | None, lock: int, section_seen: str):
        super().__init__(f"{saved_by} saved this section after you opened the page.")
        self.saved_by = saved_by
        self.saved_at = saved_at
        # What the page should carry now, so that saving again (on purpose) replaces their answers.
        self.lock = lock
        self.section_seen = section_seen


# Starting


def start_return(
    session: Session,
    organisation_id: int,
    period: ReturnPeriod,
    from_last_quarter: bool,
    user: User,
    actor: Actor,
    now: datetime,
) -> QuarterlyReturn:
    """Opens the organisation's return for the period, empty or with the answers of its last signed
    return carried over (each marked from_last_quarter until its section is saved). If the return
    was started already (by a colleague, or the button pressed twice), that return is kept as it is."""
    if period.opens_on > london_day(now):
        raise DraftError(f"The return for {period.label} opens on {period.opens_on:%-d %B %Y}.")
    if not owes_return(session, organisation_id, period):
        raise DraftError(f"Your organisation does not owe a return for {period.label}.")
    existing = return_for_period(session, organisation_id, period.id)
    if existing is not None:
        return existing
    source = last_signed_submission(session, organisation_id, period) if from_last_quarter else None
    if from_last_quarter and source is None:
        raise DraftError("There is no signed return from an earlier quarter to start from. Start a new return.")
    draft = carried_over(session, organisation_id, source) if source is not None else {}
    quarterly_return = QuarterlyReturn(
        organisation_id=organisation_id,
        period_id=period.id,
        created_at=now,
        draft=draft,
        draft_lock=1,
        draft_updated_at=now,
        draft_updated_by_id=user.id,
        draft_saved=False,
    )
    session.add(quarterly_return)
    try:
        session.flush()
    except IntegrityError:  # a colleague started it at the same moment: theirs is the return
        session.rollback()
        return return_for_period(session, organisation_id, period.id)
    audit.record(
        session,
        actor,
        "attestation_return.started",
        quarterly_return,
        now,
        organisation_id=organisation_id,
        period_id=period.id,
        from_submission_id=source.id if source is not None else None,
    )
    session.commit()
    return quarterly_return


def carried_over(session: Session, organisation_id: int, submission: ReturnSubmission) -> dict:
    """A draft holding a signed return's answers, each marked from_last_quarter: pledges still in the
    covenant, occupancy of homes still open, the contacts confirmation. Evidence files are not
    carried over (they are about that quarter)."""
    from covenant_portal.covenant.service import current_version  # the covenant imports widely

    document = submission.document
    version = current_version(session)
    numbers = {int(p["number"]) for p in version.document["pledges"]} if version is not None else set()
    open_ids = {home.id for home in open_homes(session, organisation_id)}
    return {
        "pledges": {
            str(pledge["number"]): {
                "status": pledge["status"],
                "narrative": pledge.get("narrative") or "",
                "from_last_quarter": True,
            }
            for pledge in document.get("pledges") or []
            if pledge.get("number") in numbers and pledge.get("status") in set(PledgeStatus)
        },
        "occupancy": {
            str(home["homeId"]): {
                "placed_by": {code: int(n) for code, n in (home.get("placedBy") or {}).items() if n},
                "placed_outside_gm": int(home.get("placedOutsideGm") or 0),
                "vacant_places": int(home.get("vacantPlaces") or 0),
                "registered_places": int(home.get("registeredPlaces") or 0),
                "from_last_quarter": True,
            }
            for home in document.get("occupancy") or []
            if home.get("homeId") in open_ids
        },
        # Last quarter's confirmation is not this quarter's: the person ticks the declaration again.
        "contacts": {"confirmed": False, "from_last_quarter": True},
        "based_on": submission.id,
    }


# Saving


@dataclass(frozen=True)
class Seen:
    """The draft as the page showed it: its lock and a fingerprint of the section."""

    lock: int
    section: str


def fingerprint(value: Any) -> str:
    """The version of a section of the draft (so a page can say which version it showed): the
    portal's one fingerprint (web/stale.py)."""
    return version_of(value)


def seen(quarterly_return: QuarterlyReturn, path: tuple[str, ...]) -> Seen:
    return Seen(quarterly_return.draft_lock, fingerprint(section_of(quarterly_return.draft, path)))


def save_pledge(
    session: Session,
    quarterly_return: QuarterlyReturn,
    number: int,
    answer: PledgeInput,
    shown: Seen,
    user: User,
    actor: Actor,
    now: datetime,
) -> None:
    problems = pledge_problems(answer)
    if problems:
        raise DraftInvalid(problems)
    value = {"status": answer.status, "narrative": answer.narrative.strip(), "from_last_quarter": False}
    _save_section(
        session,
        quarterly_return,
        pledge_path(number),
        value,
        shown,
        user,
        actor,
        now,
        "attestation_return.pledge_saved",
        pledge_number=number,
        status=answer.status,
    )


def save_occupancy(
    session: Session,
    quarterly_return: QuarterlyReturn,
    gm_codes: list[str],
    answers: Mapping[int, OccupancyInput],
    shown: Seen,
    user: User,
    actor: Actor,
    now: datetime,
) -> None:
    homes = open_homes(session, quarterly_return.organisation_id)
    problems = occupancy_problems(homes, gm_codes, answers)
    if problems:
        raise DraftInvalid(problems)
    value = {
        str(home.id): {
            "placed_by": {code: n for code, n in answers[home.id].placed_by.items() if n},
            "placed_outside_gm": answers[home.id].placed_outside_gm,
            "vacant_places": answers[home.id].vacant_places,
            "registered_places": answers[home.id].registered_places,
            "from_last_quarter": False,
        }
        for home in homes
    }
    _save_section(
        session,
        quarterly_return,
        OCCUPANCY_PATH,
        value,
        shown,
        user,
        actor,
        now,
        "attestation_return.occupancy_saved",
        homes=len(homes),
    )


def save_contacts(
    session: Session,
    quarterly_return: QuarterlyReturn,
    confirmed: bool,
    shown: Seen,
    user: User,
    actor: Actor,
    now: datetime,
) -> None:
    """Problems by field "confirmed"."""
    if not current_contacts(session, quarterly_return.organisation_id):
        raise DraftInvalid({"confirmed": "Name a contact for vacancies and referrals before you confirm"})
    if not confirmed:
        raise DraftInvalid({"confirmed": "Confirm that these are your named contacts, or change them"})
    _save_section(
        session,
        quarterly_return,
        CONTACTS_PATH,
        {"confirmed": True, "from_last_quarter": False},
        shown,
        user,
        actor,
        now,
        "attestation_return.contacts_confirmed",
    )


def _save_section(
    session: Session,
    quarterly_return: QuarterlyReturn,
    path: tuple[str, ...],
    value: Any,
    shown: Seen,
    user: User,
    actor: Actor,
    now: datetime,
    action: str,
    **details: Any,
) -> None:
    for _attempt in range(SAVE_ATTEMPTS):
        draft, lock = quarterly_return.draft, quarterly_return.draft_lock
        if draft is None:
            raise DraftClosed("This return has been signed, so it cannot be changed. Start a correction to change it.")
        if lock != shown.lock and fingerprint(section_of(draft, path)) != shown.section:
            raise _conflict(session, quarterly_return, path)
        changed = _with(draft, path, value)
        saved = session.execute(
            update(QuarterlyReturn)
            .where(
                QuarterlyReturn.id == quarterly_return.id,
                QuarterlyReturn.draft_lock == lock,
                QuarterlyReturn.draft.is_not(None),
            )
            .values(
                draft=changed, draft_lock=lock + 1, draft_updated_at=now, draft_updated_by_id=user.id, draft_saved=True
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if saved == 1:
            audit.record(
                session,
                actor,
                action,
                quarterly_return,
                now,
                organisation_id=quarterly_return.organisation_id,
                period_id=quarterly_return.period_id,
                **details,
            )
            session.commit()
            session.refresh(quarterly_return)
            return
        # Someone saved between reading the draft and writing it: read it again and look again.
        session.rollback()
        session.refresh(quarterly_return)
    raise _conflict(session, quarterly_return, path)


def _with(draft: dict, path: tuple[str, ...], value: Any) -> dict:
    changed = copy.deepcopy(draft)
    target = changed
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    return changed


def _conflict(session: Session, quarterly_return: QuarterlyReturn, path: tuple[str, ...]) -> DraftConflict:
    by = quarterly_return.draft_updated_by
    return DraftConflict(
        saved_by=by.full_name if by is not None else "A colleague",
        saved_at=quarterly_return.draft_updated_at,
        lock=quarterly_return.draft_lock,
        section_seen=fingerprint(section_of(quarterly_return.draft, path)),
    )
