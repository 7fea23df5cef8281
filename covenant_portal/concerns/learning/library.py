"""The library as it is shown: each summary's words with the parties' names removed unless every
party agrees (names.py), and the search and filters over what is shown, so a search for a name
never finds a summary that does not show it."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.concerns.learning import names as naming
from covenant_portal.concerns.learning.models import LearningSummary, SummaryStatus, Theme
from covenant_portal.concerns.learning.service import TEXT_FIELDS, names_shown
from covenant_portal.concerns.models import Category, Concern, Side
from covenant_portal.concerns.service import is_officer


@dataclass(frozen=True)
class ShownSummary:
    summary: LearningSummary
    title: str
    what_happened: str
    what_learned: str
    what_changed: str
    about: str  # who the concern was about, as shown ("" for good practice tied to no concern)
    raised_by: str
    names_shown: bool

    def words(self) -> str:
        """Everything the summary's page shows in words, the parties as shown included (so a search
        for a party's name finds the summaries that show it, and only those)."""
        shown = (self.title, self.what_happened, self.what_learned, self.what_changed, self.about, self.raised_by)
        return " ".join(shown).casefold()


def _about(concern: Concern, named: bool) -> str:
    if concern.about_side is Side.LOCAL_AUTHORITY:
        return concern.about_local_authority.name if named and concern.about_local_authority else naming.AN_AUTHORITY
    if not named or concern.about_organisation is None:
        return naming.A_PROVIDER
    return concern.about_organisation.name


def _raised_by(concern: Concern, named: bool) -> str:
    if concern.raised_for_organisation is not None:
        return concern.raised_for_organisation.name if named else naming.A_PROVIDER
    if concern.raised_for_local_authority is not None:
        return concern.raised_for_local_authority.name if named else naming.AN_AUTHORITY
    return "the portal" if concern.raised_by_id is None else "an escalation officer"


def parties_named(concern: Concern) -> tuple[str, str]:
    """Who the concern was about and who raised it, as the summary shows them once every party agrees."""
    return _about(concern, True), _raised_by(concern, True)


def shown(session: Session, summary: LearningSummary, by_organisation: dict | None = None) -> ShownSummary:
    named = names_shown(summary)
    names = naming.hidden_names(session, summary.concern, named, by_organisation)
    words = {name: naming.anonymised(getattr(summary, name), names) for name in TEXT_FIELDS}
    concern = summary.concern
    return ShownSummary(
        summary,
        about=_about(concern, named) if concern else "",
        raised_by=_raised_by(concern, named) if concern else "",
        names_shown=named,
        **words,
    )


def library(
    session: Session, user: User, category: Category | None = None, theme: Theme | None = None, text: str = ""
) -> list[ShownSummary]:
    """The summaries the user may browse, newest first: published ones (and drafts, for officers),
    of the category and theme if given, whose shown words hold every word searched for."""
    query = select(LearningSummary).order_by(LearningSummary.id.desc())
    if not is_officer(user):
        query = query.where(LearningSummary.status == SummaryStatus.PUBLISHED)
    if category is not None:
        query = query.where(LearningSummary.category == category)
    found = [summary for summary in session.scalars(query) if theme is None or theme in summary.theme_values]
    searched = text.casefold().split()
    by_organisation = naming.names_by_organisation(session)
    views = [shown(session, summary, by_organisation) for summary in found]
    return [view for view in views if all(word in view.words() for word in searched)]
