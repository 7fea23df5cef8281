"""The rules of a concern's lifecycle (issue 13, point 4): Logged → Acknowledged (by the party it
is about) → Resolution proposed → Resolved (the raiser agrees, or an officer decides with reasons)
→ Learning response arranged → Held → Learning recorded → Closed by an escalation officer. Every
step is audited and on the timeline; officers reopen with a reason and extend timers with a reason.
Functions take a session, the acting user and an explicit `now`; they own the commit."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.audit.service import SYSTEM, Actor, record
from covenant_portal.concerns.closure import seal_closure
from covenant_portal.concerns.parties import (
    is_about,
    is_officer,
    is_raiser,
    may_see,
    party_clause,
    side_of,
)
from covenant_portal.concerns.models import (
    Category,
    Concern,
    ConcernAction,
    ConcernClosure,
    ConcernEvent,
    EventKind,
    LearningResponse,
    Severity,
    Side,
    Stage,
    Timer,
)
from covenant_portal.filters import london_day
from covenant_portal.homes.models import ProviderHome
from covenant_portal.signing.stored_records import receipt_envelope
from covenant_portal.signing.portal_key import PortalKey
from covenant_portal.web.identifiers import identifying_data_problem
from covenant_portal.web.stale import lock


class ConcernError(ValueError):
    """A step that cannot be taken: the message says why, next to `field` if it is about one."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class ConcernDetails:
    about_side: Side
    about_id: int  # a ProviderOrganisation id or a LocalAuthority id
    category: Category
    severity: Severity
    event_on: date
    description: str
    done_so_far: str = ""
    home_id: int | None = None


@dataclass(frozen=True)
class ActionDetails:
    what: str
    owner: str
    due_on: date


@dataclass(frozen=True)
class LearningDetails:
    learned: str
    went_well: str
    actions: list[ActionDetails] = field(default_factory=list)


def visible_concern(session: Session, concern_id: int, user: User) -> Concern | None:
    """The concern if the user is a party to it or an officer, else None (the page is then 404)."""
    concern = session.get(Concern, concern_id)
    return concern if concern is not None and may_see(concern, user) else None


def event_date_problem(event_on: date, now: datetime) -> str | None:
    """A concern is about something that has happened: its date cannot be after today (London)."""
    if event_on > london_day(now):
        return "The date it happened must be today or in the past"
    return None


def _checked(text: str, field_name: str) -> str:
    problem = identifying_data_problem(text)
    if problem:
        raise ConcernError(problem, field_name)
    return text


def _event(session: Session, concern: Concern, kind: EventKind, user: User | None, now: datetime, text: str = ""):
    session.add(
        ConcernEvent(concern=concern, kind=kind, occurred_at=now, actor_id=user.id if user else None, text=text)
    )
    actor = Actor(user.id) if user is not None else SYSTEM
    record(session, actor, f"concern.{kind.value}", concern, now, stage=concern.stage.value)


def raise_concern(
    session: Session, user: User | None, details: ConcernDetails, now: datetime, *, case_key=None, record_path=None
) -> Concern:
    """Logs a concern. An officer logs about either side; a provider about an LA and an LA contact
    about a provider (the other side); `user` None is the portal itself (a broken duty)."""
    side = side_of(user) if user is not None else None
    if user is not None and not is_officer(user) and (side is None or side is details.about_side):
        raise ConcernError("You can raise a concern only about the other side of the covenant", "about")
    if user is not None:  # what the portal writes itself (a broken duty's summary) is not a person's words
        for name in ("description", "done_so_far"):
            _checked(getattr(details, name), name)
        if problem := event_date_problem(details.event_on, now):
            raise ConcernError(problem, "event_on")
    home_id = details.home_id if details.about_side is Side.PROVIDER else None
    if home_id is not None:
        home = session.get(ProviderHome, home_id)
        if home is None or home.organisation_id != details.about_id:
            raise ConcernError("Select one of the provider’s homes", "home")
    concern = Concern(
        stage=Stage.LOGGED,
        raised_by_id=user.id if user else None,
        raised_by_side=side if user is not None and not is_officer(user) else None,
        raised_for_organisation_id=user.organisation_id if user is not None and side is Side.PROVIDER else None,
        raised_for_local_authority_id=(
            user.local_authority_id if user is not None and side is Side.LOCAL_AUTHORITY else None
        ),
        about_side=details.about_side,
        about_organisation_id=details.about_id if details.about_side is Side.PROVIDER else None,
        about_local_authority_id=details.about_id if details.about_side is Side.LOCAL_AUTHORITY else None,
        about_home_id=home_id,
        category=details.category,
        severity=details.severity,
        event_on=details.event_on,
        description=details.description,
        done_so_far=details.done_so_far,
        case_key=case_key,
        record_path=record_path,
        logged_at=now,
    )
    session.add(concern)
    session.flush()
    _event(session, concern, EventKind.LOGGED, user, now, "Raised by the portal" if user is None else "")
    session.commit()
    return concern


def _expect(concern: Concern, *stages: Stage) -> None:
    if concern.stage not in stages:
        raise ConcernError(f"This concern is {STAGE_LABELS[concern.stage].lower()}: that step is not open now")


def acknowledge(session: Session, concern: Concern, user: User, now: datetime, note: str = "") -> None:
    _expect(concern, Stage.LOGGED)
    if not is_about(concern, user):
        raise ConcernError("Only the party the concern is about can acknowledge it")
    concern.stage, concern.acknowledged_at = Stage.ACKNOWLEDGED, now
    _event(session, concern, EventKind.ACKNOWLEDGED, user, now, _checked(note, "note"))
    session.commit()


def propose_resolution(session: Session, concern: Concern, user: User, resolution: str, now: datetime) -> None:
    _expect(concern, Stage.ACKNOWLEDGED, Stage.RESOLUTION_PROPOSED)
    if not (is_about(concern, user) or is_officer(user)):
        raise ConcernError("Only the party the concern is about or an officer can propose a resolution")
    concern.resolution = _checked(resolution, "resolution")
    concern.stage, concern.resolution_proposed_at = Stage.RESOLUTION_PROPOSED, now
    _event(session, concern, EventKind.RESOLUTION_PROPOSED, user, now, resolution)
    session.commit()


def resolve(session: Session, concern: Concern, user: User, now: datetime, reasons: str = "") -> None:
    """The raiser agrees to the proposed resolution, or an officer decides it, giving reasons."""
    _expect(concern, Stage.RESOLUTION_PROPOSED)
    if is_officer(user):
        if not reasons.strip():
            raise ConcernError("Enter the reasons for your decision", "reasons")
        concern.officer_decided, concern.resolution_reasons = True, _checked(reasons, "reasons")
    elif not is_raiser(concern, user):
        raise ConcernError("Only the party that raised the concern, or an officer, can resolve it")
    concern.stage, concern.resolved_at = Stage.RESOLVED, now
    how = f"Decided by an escalation officer: {reasons}" if is_officer(user) else "The raiser agreed the resolution"
    _event(session, concern, EventKind.RESOLVED, user, now, how)
    session.commit()


def arrange_learning(
    session: Session,
    concern: Concern,
    user: User,
    response: LearningResponse,
    on: date,
    meeting_format: str,
    attendees: str,
    now: datetime,
) -> None:
    _expect(concern, Stage.RESOLVED, Stage.LEARNING_ARRANGED)
    _party_or_officer(concern, user)
    if on < concern.event_on:  # a past date is allowed (it was held already), not one before it all
        raise ConcernError(
            f"The date it will be held must be on or after {concern.event_on:%-d %B %Y}, when what the concern "
            "is about happened",
            "on",
        )
    concern.learning_response, concern.learning_on = response, on
    concern.learning_format = _checked(meeting_format, "format")
    concern.learning_attendees = _checked(attendees, "attendees")
    concern.stage, concern.learning_arranged_at = Stage.LEARNING_ARRANGED, now
    arranged = f"{LEARNING_LABELS[response]} on {on:%-d %B %Y}: {meeting_format}"
    _event(session, concern, EventKind.LEARNING_ARRANGED, user, now, arranged)
    session.commit()


def held_too_early_problem(concern: Concern, now: datetime) -> str | None:
    """A learning response cannot be recorded as held before the day it was arranged for (London)."""
    if concern.learning_on is None or london_day(now) >= concern.learning_on:
        return None
    what = LEARNING_LABELS[concern.learning_response].lower() if concern.learning_response else "learning response"
    return (
        f"You cannot record the {what} as held before {concern.learning_on:%-d %B %Y}, the date it was arranged "
        "for. Record it on or after that day, or arrange it again if it was held earlier."
    )


def record_held(session: Session, concern: Concern, user: User, notes: str, now: datetime) -> None:
    _expect(concern, Stage.LEARNING_ARRANGED)
    _party_or_officer(concern, user)
    if problem := held_too_early_problem(concern, now):
        raise ConcernError(problem, "submit")
    concern.held_notes = _checked(notes, "notes")
    concern.stage, concern.held_at = Stage.LEARNING_HELD, now
    _event(session, concern, EventKind.LEARNING_HELD, user, now, notes)
    session.commit()


def record_learning(session: Session, concern: Concern, user: User, learning: LearningDetails, now: datetime) -> None:
    _expect(concern, Stage.LEARNING_HELD, Stage.LEARNING_RECORDED)
    _party_or_officer(concern, user)
    if not learning.learned.strip():
        raise ConcernError("Enter what was learned", "learned")
    concern.learned = _checked(learning.learned, "learned")
    concern.went_well = _checked(learning.went_well, "went_well")
    for action in learning.actions:
        _checked(action.what, "actions")
        _checked(action.owner, "actions")
    concern.actions = [ConcernAction(what=item.what, owner=item.owner, due_on=item.due_on) for item in learning.actions]
    concern.stage, concern.learning_recorded_at = Stage.LEARNING_RECORDED, now
    _event(session, concern, EventKind.LEARNING_RECORDED, user, now, learning.learned)
    session.commit()


def missing_for_closure(concern: Concern) -> list[str]:
    """What must be recorded before the concern can be closed, in words (empty: it can close)."""
    missing = []
    if concern.resolved_at is None:
        missing.append("the resolution")
    if concern.learning_arranged_at is None:
        missing.append("the learning response arranged")
    if concern.held_at is None:
        missing.append("notes from the learning response held")
    if concern.learning_recorded_at is None or not concern.learned.strip():
        missing.append("what was learned")
    return missing


def close(session: Session, key: PortalKey, concern: Concern, user: User, now: datetime) -> ConcernClosure:
    """Closes the concern with a signed record of its record and learning (closure.py)."""
    if not is_officer(user):
        raise ConcernError("Only an escalation officer can close a concern")
    lock(session, concern)  # another officer closing at the same moment waits, then finds it closed
    if concern.stage is Stage.CLOSED:
        raise ConcernError("This concern is already closed")
    missing = missing_for_closure(concern)
    if missing:
        raise ConcernError(
            "You cannot close this concern until the learning is recorded. Still missing: " + _and(missing)
        )
    closure = seal_closure(session, key, concern, user, now)
    concern.stage, concern.closed_at, concern.closed_by_id = Stage.CLOSED, now, user.id
    _event(session, concern, EventKind.CLOSED, user, now, f"Signed closure record GMF-{closure.ledger_seq:06d}")
    session.commit()
    return closure


def reopen(session: Session, concern: Concern, user: User, reason: str, now: datetime) -> None:
    if not is_officer(user):
        raise ConcernError("Only an escalation officer can reopen a concern")
    _expect(concern, *REOPENABLE)
    if not reason.strip():
        raise ConcernError("Enter why you are reopening the concern", "reason")
    _checked(reason, "reason")
    concern.stage = Stage.ACKNOWLEDGED if concern.acknowledged_at else Stage.LOGGED
    concern.resolved_at = concern.learning_arranged_at = concern.held_at = concern.learning_recorded_at = None
    concern.closed_at = concern.closed_by_id = None
    _event(session, concern, EventKind.REOPENED, user, now, reason)
    session.commit()


def extend(session: Session, concern: Concern, user: User, timer: Timer, days: int, reason: str, now: datetime):
    if not is_officer(user):
        raise ConcernError("Only an escalation officer can extend a deadline")
    if not 1 <= days <= 60:
        raise ConcernError("Extend by between 1 and 60 working days", "days")
    if not reason.strip():
        raise ConcernError("Enter why you are extending the deadline", "reason")
    _checked(reason, "reason")
    name = f"{timer.value}_extra_days"
    setattr(concern, name, getattr(concern, name) + days)
    _event(
        session,
        concern,
        EventKind.EXTENDED,
        user,
        now,
        f"{timer.value} deadline extended by {days} working days: {reason}",
    )
    session.commit()


def send_message(session: Session, concern: Concern, user: User, text: str, now: datetime) -> None:
    if not may_see(concern, user):
        raise ConcernError("You are not a party to this concern")
    if not text.strip():
        raise ConcernError("Enter your message", "message")
    _event(session, concern, EventKind.MESSAGE, user, now, _checked(text, "message"))
    session.commit()


def closures_of(session: Session, concern: Concern) -> list[ConcernClosure]:
    query = select(ConcernClosure).where(ConcernClosure.concern_id == concern.id).order_by(ConcernClosure.id)
    return list(session.scalars(query))


def receipt_bytes(session: Session, closure: ConcernClosure) -> bytes:
    """The closure's DSSE envelope exactly as the ledger keeps it."""
    return receipt_envelope(session, closure.ledger_seq)


def concerns_for(session: Session, user: User) -> list[Concern]:
    """The concerns a user sees: all for an officer, else those their side raised or is about."""
    query = select(Concern).order_by(Concern.logged_at.desc())
    return list(session.scalars(query if is_officer(user) else query.where(party_clause(user))))


def steps_open_to(concern: Concern, user: User) -> list[str]:
    """The steps the user may take on the concern now (the pages offer only these; each step's
    function above checks again)."""
    party, officer = may_see(concern, user), is_officer(user)
    stage = concern.stage
    may = {
        "acknowledge": stage is Stage.LOGGED and is_about(concern, user),
        "propose": stage in (Stage.ACKNOWLEDGED, Stage.RESOLUTION_PROPOSED) and (is_about(concern, user) or officer),
        "resolve": stage is Stage.RESOLUTION_PROPOSED and (is_raiser(concern, user) or officer),
        "arrange": stage in (Stage.RESOLVED, Stage.LEARNING_ARRANGED) and party,
        "held": stage is Stage.LEARNING_ARRANGED and party,
        "learning": stage in (Stage.LEARNING_HELD, Stage.LEARNING_RECORDED) and party,
        "reopen": officer and stage in REOPENABLE,
        "extend": officer and stage is not Stage.CLOSED,
    }
    return [name for name, allowed in may.items() if allowed]


def _party_or_officer(concern: Concern, user: User) -> None:
    if not (is_officer(user) or is_about(concern, user) or is_raiser(concern, user)):
        raise ConcernError("You are not a party to this concern")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


REOPENABLE = (Stage.RESOLVED, Stage.LEARNING_ARRANGED, Stage.LEARNING_HELD, Stage.LEARNING_RECORDED, Stage.CLOSED)
STAGE_LABELS = {
    Stage.LOGGED: "Logged",
    Stage.ACKNOWLEDGED: "Acknowledged",
    Stage.RESOLUTION_PROPOSED: "Resolution proposed",
    Stage.RESOLVED: "Resolved",
    Stage.LEARNING_ARRANGED: "Learning response arranged",
    Stage.LEARNING_HELD: "Learning response held",
    Stage.LEARNING_RECORDED: "Learning recorded",
    Stage.CLOSED: "Closed",
}
LEARNING_LABELS = {
    LearningResponse.HUDDLE: "Huddle",
    LearningResponse.AFTER_ACTION_REVIEW: "After-action review",
    LearningResponse.ROUND_TABLE_REVIEW: "Round-table review",
    LearningResponse.JOINT_MEETING: "Joint meeting",
}
