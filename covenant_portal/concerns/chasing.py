"""The daily chase of concerns (issue 13, point 6) and the concerns the portal raises itself for
broken covenant duties (point 2). One job, chase_concerns, runs both.

Chasing: for each open concern, each running timer, and for any concern (closed too) each learning
action not done, is seen on the London day of `as_of`: one working day before its due date whoever holds the next step is
reminded, on the due date again, and 5 working days after it the escalation officers are told.
Each email has the dedupe key "concern-chase:<concern>:<timer>:<due date>:<stage>:<address>", and
the outbox keeps one message per key (INSERT … ON CONFLICT DO NOTHING), so running the job twice,
or in two processes at once, sends each email once. A run that missed days sends the stage the
timer has reached (not the ones gone by).

Broken duties: every finder the areas register (`duties.broken_duties`) is asked; a concern is
raised once per case_key (unique in the table), on behalf of the portal, about the responsible
party, with the officers told; when a duty's met_on arrives it goes on the concern's timeline."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from covenant_portal.web import duties
from covenant_portal.access import Role
from covenant_portal.accounts.models import User
from covenant_portal.audit.service import SYSTEM, record
from covenant_portal.concerns import timers
from covenant_portal.concerns.models import (
    Category,
    Concern,
    ConcernAction,
    ConcernEvent,
    EventKind,
    Severity,
    Side,
    Stage,
    Timer,
)
from covenant_portal.concerns.service import ConcernDetails, raise_concern
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_emails, rendered_email

ESCALATE_AFTER = 5  # working days after a missed deadline
BEFORE, DUE, ESCALATED = "before", "due", "escalated"


@dataclass
class ChaseReport:
    emails: int = 0
    raised: int = 0
    met: int = 0

    def __str__(self) -> str:
        return f"Concerns: {self.emails} chase emails queued; {self.raised} raised for broken duties; {self.met} met."


def stage_on(working_days_left: int) -> str | None:
    if working_days_left == 1:
        return BEFORE
    if -ESCALATE_AFTER < working_days_left <= 0:
        return DUE
    if working_days_left <= -ESCALATE_AFTER:
        return ESCALATED
    return None


def _active(session: Session, *conditions) -> list[User]:
    query = select(User).where(User.deactivated_at.is_(None), *conditions).order_by(User.id)
    return list(session.scalars(query))


def officers(session: Session) -> list[User]:
    return _active(session, User.role == Role.ESCALATION_OFFICER)


def side_users(session: Session, side: Side | None, organisation_id, local_authority_id) -> list[User]:
    if side is Side.PROVIDER and organisation_id is not None:
        return _active(session, User.role == Role.PROVIDER, User.organisation_id == organisation_id)
    if side is Side.LOCAL_AUTHORITY and local_authority_id is not None:
        return _active(session, User.role == Role.LA_CONTACT, User.local_authority_id == local_authority_id)
    return []


def next_step_holders(session: Session, concern: Concern, timer: Timer) -> list[User]:
    """Who holds the step a timer waits for: the party it is about to acknowledge and propose, the
    raiser to agree a proposal (officers if the portal or an officer raised it), both to arrange."""
    about = side_users(session, concern.about_side, concern.about_organisation_id, concern.about_local_authority_id)
    raiser = side_users(
        session, concern.raised_by_side, concern.raised_for_organisation_id, concern.raised_for_local_authority_id
    )
    if timer is Timer.ACKNOWLEDGEMENT:
        return about
    if timer is Timer.RESOLUTION:
        if concern.stage is Stage.RESOLUTION_PROPOSED:
            return raiser or officers(session)
        return about
    return about + raiser or officers(session)


def chase(session: Session, links: Links, today: date, now: datetime, report: ChaseReport) -> None:
    emails = []
    for concern in session.scalars(_to_chase()):
        due = [(item.timer.value, item.label, item.clock) for item in timers.running_timers(concern, today)]
        due += [("action", f"Action “{what}”", found) for what, found in timers.open_actions(concern, today)]
        for timer_name, label, found in due:
            stage = stage_on(found.working_days_left)
            if stage is None:
                continue
            if stage == ESCALATED:
                recipients = officers(session)
            elif timer_name == "action":
                recipients = next_step_holders(session, concern, Timer.LEARNING)
            else:
                recipients = next_step_holders(session, concern, Timer(timer_name))
            for user in recipients:
                emails.append(
                    rendered_email(
                        to=user.email,
                        subject=_subject(concern, label, stage),
                        template="concern_chase",
                        dedupe_key=f"concern-chase:{concern.id}:{timer_name}:{found.due_on.isoformat()}:{stage}:{user.email}",
                        now=now,
                        name=user.full_name,
                        label=label,
                        stage=stage,
                        due_on=found.due_on.strftime("%-d %B %Y"),
                        standing=found.describe(mid_sentence=True),  # mid-sentence: "(due today)"
                        link=links.url("concerns.concern", concern_id=concern.id),
                        concern_id=concern.id,
                    )
                )
    before = _outbox_count(session)
    queue_emails(session, emails)
    report.emails += _outbox_count(session) - before


def _to_chase():
    """Open concerns, and closed ones with a learning action not yet done: actions are agreed in the
    learning, so most fall due after the concern is closed, and are chased by their own dates."""
    action_open = select(ConcernAction.id).where(
        ConcernAction.concern_id == Concern.id, ConcernAction.done_at.is_(None)
    )
    return select(Concern).where(or_(Concern.stage != Stage.CLOSED, action_open.exists())).order_by(Concern.id)


def _outbox_count(session: Session) -> int:
    from sqlalchemy import func

    from covenant_portal.mail.models import OutboxMessage

    return session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def _subject(concern: Concern, label: str, stage: str) -> str:
    if stage == ESCALATED:
        return f"Concern {concern.id}: {label.lower()} deadline missed by {ESCALATE_AFTER} working days"
    if stage == DUE:
        return f"Concern {concern.id}: {label.lower()} is due"
    return f"Concern {concern.id}: {label.lower()} is due tomorrow"


def raise_for_broken_duties(
    session: Session, links: Links, broken: Iterable[duties.BrokenDuty], now: datetime, report: ChaseReport
) -> None:
    for duty in broken:
        concern = session.scalar(select(Concern).where(Concern.case_key == duty.case_key))
        if concern is None:
            concern = _raise_once(session, duty, now)
            if concern is None:
                continue
            report.raised += 1
            _tell_officers(session, links, concern, duty, now)
        if duty.met_on is not None and concern.duty_met_on is None:
            concern.duty_met_on = duty.met_on
            session.add(
                ConcernEvent(
                    concern=concern,
                    kind=EventKind.DUTY_MET,
                    occurred_at=now,
                    text=f"The duty was met on {duty.met_on.strftime('%-d %B %Y')}",
                )
            )
            record(session, SYSTEM, "concern.duty_met", concern, now, met_on=duty.met_on.isoformat())
            session.commit()
            report.met += 1


def _raise_once(session: Session, duty: duties.BrokenDuty, now: datetime) -> Concern | None:
    details = ConcernDetails(
        about_side=Side(duty.party.value),
        about_id=duty.party_id,
        category=Category(duty.category) if duty.category in {item.value for item in Category} else Category.OTHER,
        severity=Severity.MEDIUM,
        event_on=duty.broken_on,
        description=duty.summary,
        done_so_far="The portal's reminders ran out without the duty being met.",
        home_id=duty.home_id,
    )
    try:
        return raise_concern(session, None, details, now, case_key=duty.case_key, record_path=duty.record_path)
    except IntegrityError:  # another run raised it first
        session.rollback()
        return None


def _tell_officers(session: Session, links: Links, concern: Concern, duty: duties.BrokenDuty, now: datetime) -> None:
    queue_emails(
        session,
        [
            rendered_email(
                to=officer.email,
                subject=f"Concern {concern.id} raised by the portal: {duty.summary}",
                template="concern_raised",
                dedupe_key=f"concern-raised:{duty.case_key}:{officer.email}",
                now=now,
                name=officer.full_name,
                summary=duty.summary,
                link=links.url("concerns.concern", concern_id=concern.id),
                record_link=links.base_url + duty.record_path,
            )
            for officer in officers(session)
        ],
    )
    session.commit()
