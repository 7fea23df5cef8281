"""A proposal's working draft: started by a provider, saved a section at a time without
overwriting a colleague's work (as returns drafts do), checked before submitting.

Optimistic locking: each section's page carries the `draft_lock` it was shown with and a
fingerprint of the section as shown. A save is an UPDATE ... WHERE draft_lock = <the lock read>;
if a colleague changed *this* section since the page was shown the save is refused
(`DraftConflict`) and nothing is overwritten; if they changed another section only, the save goes
ahead on top of theirs."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from covenant_portal import audit
from covenant_portal.accounts.models import User
from covenant_portal.audit.service import Actor
from covenant_portal.expansions.common import ExpansionError, Invalid, gm_authorities
from covenant_portal.filters import london_day
from covenant_portal.expansions.models import ExpansionProposal, NeedsStatement, ProposalStatus
from covenant_portal.expansions.proposals import rules
from covenant_portal.web.stale import version_of

SAVE_ATTEMPTS = 5
UNTITLED = "Untitled proposal"


class DraftConflict(Exception):
    """A colleague saved the same section after the page was shown: nothing was saved."""

    def __init__(self, saved_by: str, saved_at: datetime | None, lock: int, fingerprint: str):
        super().__init__(f"{saved_by} saved this section after you opened the page.")
        self.saved_by = saved_by
        self.saved_at = saved_at
        self.lock = lock  # what the page carries now, so saving again (on purpose) replaces theirs
        self.fingerprint = fingerprint


@dataclass(frozen=True)
class Seen:
    lock: int
    fingerprint: str


def fingerprint(draft: dict | None, section: str) -> str:
    """The version of a section of the draft as a page shows it: the portal's one fingerprint
    (web/stale.py), as returns drafts use."""
    return version_of((draft or {}).get(section) or {})


def seen(proposal: ExpansionProposal, section: str) -> Seen:
    return Seen(proposal.draft_lock, fingerprint(proposal.draft, section))


def proposal_of(session: Session, organisation_id: int, proposal_id: int) -> ExpansionProposal | None:
    return session.scalar(
        select(ExpansionProposal).where(
            ExpansionProposal.id == proposal_id, ExpansionProposal.organisation_id == organisation_id
        )
    )


def proposals_of(session: Session, organisation_id: int) -> list[ExpansionProposal]:
    return list(
        session.scalars(
            select(ExpansionProposal)
            .where(ExpansionProposal.organisation_id == organisation_id)
            .order_by(ExpansionProposal.created_at.desc(), ExpansionProposal.id.desc())
        )
    )


def start_proposal(session: Session, user: User, actor: Actor, now: datetime) -> ExpansionProposal:
    if user.organisation_id is None:
        raise ExpansionError("Only providers can propose an expansion.")
    proposal = ExpansionProposal(
        organisation_id=user.organisation_id,
        status=ProposalStatus.DRAFT,
        title=UNTITLED,
        draft={},
        draft_lock=1,
        draft_updated_at=now,
        draft_updated_by_id=user.id,
        draft_saved=False,
        created_at=now,
        created_by_id=user.id,
    )
    session.add(proposal)
    session.flush()
    audit.record(session, actor, "expansion.draft_started", proposal, now)
    session.commit()
    return proposal


def choices(session: Session, draft: dict | None) -> dict[str, dict[str, str]]:
    """The options of the questions whose answers come from the database: the GM LAs (by ONS code)
    and the current needs of the host LA chosen (by id, with "none")."""
    authorities = gm_authorities(session)
    host = ((draft or {}).get("service") or {}).get("host_la")
    needs = {rules.NO_NEED: rules.NO_NEED_WORDS}
    authority = next((la for la in authorities if la.ons_code == host), None)
    if authority is not None:
        for need in session.scalars(
            select(NeedsStatement)
            .where(NeedsStatement.local_authority_id == authority.id, NeedsStatement.withdrawn_at.is_(None))
            .order_by(NeedsStatement.id)
        ):
            needs[str(need.id)] = (
                f"{need.category.label}, ages {need.age_from} to {need.age_to}, {need.places_wanted} places"
                + (f" ({need.area})" if need.area else "")
            )
    return {"host_la": {la.ons_code: la.name for la in authorities}, "need_id": needs}


def save_section(
    session: Session,
    proposal: ExpansionProposal,
    section: str,
    answers: dict,
    shown: Seen,
    user: User,
    actor: Actor,
    now: datetime,
) -> None:
    """Saves one section's answers (Invalid if any breaks a rule; nothing is saved then)."""
    if section not in rules.SECTIONS:
        raise ExpansionError("There is no such section.")
    if problems := section_problems(session, proposal, section, answers, now):
        raise Invalid(problems)
    kept = rules.tidy(section, answers)
    for _attempt in range(SAVE_ATTEMPTS):
        session.refresh(proposal)
        if proposal.draft is None:
            raise ExpansionError("This proposal has no open draft: it was submitted, perhaps by a colleague.")
        if shown.lock != proposal.draft_lock and fingerprint(proposal.draft, section) != shown.fingerprint:
            who = proposal.draft_updated_by.full_name if proposal.draft_updated_by else "A colleague"
            raise DraftConflict(
                who, proposal.draft_updated_at, proposal.draft_lock, fingerprint(proposal.draft, section)
            )
        draft = {**proposal.draft, section: kept}
        values = {
            "draft": draft,
            "draft_lock": proposal.draft_lock + 1,
            "draft_updated_at": now,
            "draft_updated_by_id": user.id,
            "draft_saved": True,
        }
        if section == "service" and kept["title"] and proposal.versions == []:
            values["title"] = kept["title"]
        saved = session.execute(  # type: ignore[attr-defined]  # .rowcount: an UPDATE's result is a CursorResult
            update(ExpansionProposal)
            .where(ExpansionProposal.id == proposal.id, ExpansionProposal.draft_lock == proposal.draft_lock)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if saved == 1:
            audit.record(session, actor, "expansion.section_saved", proposal, now, section=section)
            session.commit()
            session.refresh(proposal)
            return
        session.rollback()
    raise ExpansionError("Colleagues are saving this proposal at the same moment. Try again.")


def section_problems(
    session: Session, proposal: ExpansionProposal, section: str, answers: dict, now: datetime
) -> dict[str, str]:
    """What saving these answers of a section would refuse, by question: every rule of the section
    at once (a page shows them all, beside what its form refused itself)."""
    options = {name: set(values) for name, values in choices(session, _with(proposal.draft, section, answers)).items()}
    return rules.section_problems(section, answers, options, complete=False, today=london_day(now))


def _with(draft: dict | None, section: str, answers: dict) -> dict:
    return {**(draft or {}), section: answers}


@dataclass(frozen=True)
class Unfinished:
    section: str
    message: str


def unfinished(session: Session, proposal: ExpansionProposal, today: date) -> list[Unfinished]:
    draft = proposal.draft or {}
    options = {name: set(values) for name, values in choices(session, draft).items()}
    found = []
    for section, (title, _questions) in rules.SECTIONS.items():
        given = draft.get(section) or {}
        for message in rules.section_problems(section, given, options, complete=True, today=today).values():
            found.append(Unfinished(section, f"{title}: {message}"))
    return found


def section_status(proposal: ExpansionProposal, section: str) -> str:
    answers = (proposal.draft or {}).get(section)
    if not answers:
        return "Not started"
    return "Completed" if all(answers.get(q.name) for q in rules.questions(section) if q.required) else "In progress"
