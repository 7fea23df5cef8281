"""The rules of the learning library (issue 13, point 8). An escalation officer drafts a summary
from a closed concern (learning, or good practice the concern showed), or good practice tied to no
concern, and publishes it. Each party to the concern may agree, on the summary's page, to show the
parties' names with it, and withdraw that agreement at any time, before or after publication:
names are shown only while every party agrees (names.py). Everyone signed in browses and searches
the published summaries; drafts are seen only by officers (and by the concern's parties on the
page where they agree). Functions take a session, the acting user and an explicit `now`; they
own the commit."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.audit.service import Actor, record
from covenant_portal.concerns.learning import names as naming
from covenant_portal.concerns.learning.models import LearningSummary, SummaryKind, SummaryStatus, SummaryTheme, Theme
from covenant_portal.concerns.models import Category, Concern, Stage
from covenant_portal.concerns.service import (
    STAGE_LABELS,
    ConcernError,
    is_about,
    is_officer,
    is_raiser,
    party_clause,
)
from covenant_portal.web.identifiers import identifying_data_problem
from covenant_portal.web.stale import ChangedMeanwhile, check_seen, lock, version_of

ABOUT, RAISER = "about", "raiser"
TEXT_FIELDS = ("title", "what_happened", "what_learned", "what_changed")


@dataclass(frozen=True)
class SummaryText:
    title: str
    what_happened: str
    what_learned: str
    what_changed: str = ""
    themes: list[Theme] = field(default_factory=list)


def _officer(user: User) -> None:
    if not is_officer(user):
        raise ConcernError("Only an escalation officer can write and publish learning summaries")


def names_shown(summary: LearningSummary) -> bool:
    """True while every party to the summary's concern agrees to show the names (never for good
    practice tied to no concern: there is no one to agree)."""
    concern = summary.concern
    if concern is None or summary.about_agreed_at is None:
        return False
    return summary.raiser_agreed_at is not None or not naming.has_raiser_party(concern)


def _check(session: Session, summary_concern: Concern | None, text: SummaryText, agreed: bool) -> None:
    for name in TEXT_FIELDS:
        problem = identifying_data_problem(getattr(text, name))
        if problem:
            raise ConcernError(problem, name)
    if not text.themes:
        raise ConcernError("Select at least one theme", "themes")
    names = naming.hidden_names(session, summary_concern, agreed)
    for name in TEXT_FIELDS:
        found = naming.names_in(getattr(text, name), names)
        if found:
            raise ConcernError(f"Remove {', '.join(found)}: {_why_no_names(summary_concern)}", name)


def _why_no_names(concern: Concern | None) -> str:
    if concern is None:  # there are no parties, so no one to agree
        return (
            "good practice tied to no concern names no provider or home, as no one can agree to show a name. "
            "Write “a provider” or “a children’s home” instead."
        )
    return (
        "the library shows no organisation’s, authority’s or home’s name unless every party to the concern has "
        "agreed, and never that of a provider or home that is not a party. Write “a provider”, “a children’s "
        "home” or “a local authority” instead."
    )


def _write(summary: LearningSummary, text: SummaryText) -> None:
    for name in TEXT_FIELDS:
        setattr(summary, name, getattr(text, name))
    summary.themes = [SummaryTheme(theme=theme) for theme in dict.fromkeys(text.themes)]


def draft_from_concern(
    session: Session, user: User, concern: Concern, kind: SummaryKind, text: SummaryText, now: datetime
) -> LearningSummary:
    _officer(user)
    if concern.stage is not Stage.CLOSED:
        raise ConcernError(
            f"A learning summary is written from a closed concern: this one is {STAGE_LABELS[concern.stage].lower()}"
        )
    _check(session, concern, text, agreed=False)
    summary = LearningSummary(
        kind=kind, concern=concern, category=concern.category, created_at=now, created_by_id=user.id
    )
    _write(summary, text)
    session.add(summary)
    session.flush()
    record(session, Actor(user.id), "learning.drafted", summary, now, concern_id=concern.id, kind=kind.value)
    session.commit()
    return summary


def draft_good_practice(
    session: Session, user: User, category: Category, text: SummaryText, now: datetime
) -> LearningSummary:
    """Good care that could be learned from, tied to no concern."""
    _officer(user)
    _check(session, None, text, agreed=False)
    summary = LearningSummary(kind=SummaryKind.GOOD_PRACTICE, category=category, created_at=now, created_by_id=user.id)
    _write(summary, text)
    session.add(summary)
    session.flush()
    record(session, Actor(user.id), "learning.drafted", summary, now, kind=SummaryKind.GOOD_PRACTICE.value)
    session.commit()
    return summary


def version_seen(summary: LearningSummary) -> str:
    """The draft as its pages show it (web/stale.py): its words, themes, category and whether names
    are shown. Changing it, or publishing it, from a page showing another version is refused."""
    return version_of(
        summary.title,
        summary.what_happened,
        summary.what_learned,
        summary.what_changed,
        sorted(theme.value for theme in summary.theme_values),
        summary.category,
        names_shown(summary),
    )


def _check_seen(summary: LearningSummary, seen: str | None, detail: str = "") -> None:
    check_seen(seen, version_seen(summary), ChangedMeanwhile("summary", detail=detail, current=summary))


def edit(
    session: Session, user: User, summary: LearningSummary, text: SummaryText, now: datetime, seen: str | None = None
) -> None:
    """`seen`: the version the edit page showed; changed since (another tab, another officer), it is
    refused (ChangedMeanwhile), compared under the summary's write lock."""
    _officer(user)
    lock(session, summary)
    if summary.status is not SummaryStatus.DRAFT:
        raise ConcernError("A published summary is not changed")
    _check_seen(summary, seen)
    _check(session, summary.concern, text, agreed=names_shown(summary))
    _write(summary, text)
    record(session, Actor(user.id), "learning.edited", summary, now)
    session.commit()


def publish(session: Session, user: User, summary: LearningSummary, now: datetime, seen: str | None = None) -> None:
    """`seen`: the version the draft's page showed; changed since, it is refused (ChangedMeanwhile):
    what is published is what the officer read."""
    _officer(user)
    lock(session, summary)  # another officer publishing at the same moment waits, then finds it published
    if summary.status is SummaryStatus.PUBLISHED:
        raise ConcernError("This summary is already published")
    _check_seen(summary, seen, "It is not published: check it as it is now, then publish it.")
    if summary.concern is not None and summary.concern.stage is not Stage.CLOSED:
        raise ConcernError("The concern has been reopened: publish the summary once it is closed again")
    text = SummaryText(
        summary.title, summary.what_happened, summary.what_learned, summary.what_changed, summary.theme_values
    )
    _check(session, summary.concern, text, agreed=names_shown(summary))
    summary.status, summary.published_at, summary.published_by_id = SummaryStatus.PUBLISHED, now, user.id
    record(session, Actor(user.id), "learning.published", summary, now, names_shown=names_shown(summary))
    session.commit()


def party_role(summary: LearningSummary, user: User) -> str | None:
    """Which party to the summary's concern the user belongs to (ABOUT or RAISER), if either."""
    concern = summary.concern
    if concern is None:
        return None
    if is_about(concern, user):
        return ABOUT
    if is_raiser(concern, user):
        return RAISER
    return None


def agree(session: Session, user: User, summary: LearningSummary, now: datetime) -> None:
    """The user's party agrees to show the parties' names with the summary."""
    role = party_role(summary, user)
    if role is None:
        raise ConcernError("Only a party to the concern can agree to show its name")
    setattr(summary, f"{role}_agreed_at", now)
    setattr(summary, f"{role}_agreed_by_id", user.id)
    record(session, Actor(user.id), "learning.agreed", summary, now, party=role, names_shown=names_shown(summary))
    session.commit()


def withdraw(session: Session, user: User, summary: LearningSummary, now: datetime) -> None:
    """The user's party withdraws its agreement: from now on the names are not shown."""
    role = party_role(summary, user)
    if role is None:
        raise ConcernError("Only a party to the concern can withdraw its agreement")
    setattr(summary, f"{role}_agreed_at", None)
    setattr(summary, f"{role}_agreed_by_id", None)
    record(session, Actor(user.id), "learning.withdrawn", summary, now, party=role)
    session.commit()


def visible_summary(session: Session, summary_id: int, user: User) -> LearningSummary | None:
    """A published summary for everyone signed in; a draft only for officers."""
    summary = session.get(LearningSummary, summary_id)
    if summary is None or (summary.status is SummaryStatus.DRAFT and not is_officer(user)):
        return None
    return summary


def summary_for_party(session: Session, summary_id: int, user: User) -> LearningSummary | None:
    """The summary, draft or published, for a person of a party to its concern (to agree or withdraw)."""
    summary = session.get(LearningSummary, summary_id)
    return summary if summary is not None and party_role(summary, user) is not None else None


def summaries_to_agree(session: Session, user: User) -> list[LearningSummary]:
    """The summaries of concerns the user's side is party to."""
    query = select(LearningSummary).join(Concern, LearningSummary.concern_id == Concern.id)
    return list(session.scalars(query.where(party_clause(user)).order_by(LearningSummary.id)))


def summaries_of(session: Session, concern: Concern) -> list[LearningSummary]:
    query = select(LearningSummary).where(LearningSummary.concern_id == concern.id).order_by(LearningSummary.id)
    return list(session.scalars(query))


def closed_without_summary(session: Session) -> list[Concern]:
    """Closed concerns no summary has been written from (for the officers' dashboard)."""
    written = select(LearningSummary.concern_id).where(LearningSummary.concern_id.is_not(None))
    query = select(Concern).where(Concern.stage == Stage.CLOSED, Concern.id.not_in(written)).order_by(Concern.id)
    return list(session.scalars(query))


def unpublished_drafts(session: Session) -> list[LearningSummary]:
    """Drafts not yet published (for the officers' dashboard: a draft left unpublished is learning
    nobody can find)."""
    query = select(LearningSummary).where(LearningSummary.status == SummaryStatus.DRAFT).order_by(LearningSummary.id)
    return list(session.scalars(query))
