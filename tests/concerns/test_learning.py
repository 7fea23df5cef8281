"""Issue 13, point 8: the shared learning library's rules. Summaries come only from closed
concerns (or are good practice); their text is checked for child-identifying data and, unless
every party agrees, for the parties' names; names are shown only while both parties agree; the
library is searched and filtered over what it shows."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from covenant_portal.audit.models import AuditEvent
from covenant_portal.concerns import service as concerns
from covenant_portal.concerns.learning import service
from covenant_portal.concerns.learning.library import library, shown
from covenant_portal.concerns.learning.models import SummaryKind, SummaryStatus, Theme
from covenant_portal.concerns.models import Category, Side
from covenant_portal.concerns.service import ConcernError
from tests.concerns.helpers import LOGGED_AT, about_la, make_parties
from tests.concerns.learning_helpers import SUMMARY, close_decided_by_officer, closed_concern, named_parties, text

LATER = LOGGED_AT + timedelta(days=1)


@pytest.fixture
def parties(db_session):
    return named_parties(db_session, make_parties(db_session))


@pytest.fixture
def concern(db_session, parties):
    return closed_concern(db_session, parties)


def draft(db_session, parties, concern, kind=SummaryKind.LEARNING, summary_text=SUMMARY):
    return service.draft_from_concern(db_session, parties.officer, concern, kind, summary_text, LATER)


def test_a_summary_is_written_only_from_a_closed_concern_and_only_by_an_officer(db_session, parties):
    open_concern = concerns.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    with pytest.raises(ConcernError, match="from a closed concern: this one is logged"):
        draft(db_session, parties, open_concern)
    closed = closed_concern(db_session, parties)
    with pytest.raises(ConcernError, match="Only an escalation officer"):
        service.draft_from_concern(db_session, parties.la_contact, closed, SummaryKind.LEARNING, SUMMARY, LATER)
    summary = draft(db_session, parties, closed)
    assert summary.status is SummaryStatus.DRAFT and summary.category is Category.REFERRAL_INFORMATION
    assert summary.theme_values == [Theme.REFERRAL_INFORMATION, Theme.EDUCATION]


@pytest.mark.parametrize(
    ("field", "words", "named"),
    [
        ("what_happened", "Bolton sent the referral late.", "Bolton"),
        ("title", "Acorn Lodge Care Ltd learns", "Acorn Lodge Care Ltd"),
        ("what_learned", "Acorn Lodge Care now checks each referral.", "Acorn Lodge Care"),
        ("what_changed", "Staff at Acorn changed the checklist.", "Acorn"),
        ("what_happened", "The young person moved to oak tree house.", "Oak Tree House"),
    ],
)
def test_text_naming_a_party_or_its_home_is_refused_without_both_agreeing(
    db_session, parties, concern, field, words, named
):
    with pytest.raises(ConcernError) as refused:
        draft(db_session, parties, concern, summary_text=text(**{field: words}))
    assert refused.value.field == field
    assert f"Remove {named}" in refused.value.message and "unless every party" in refused.value.message


def test_the_region_and_ordinary_words_are_not_names(db_session, parties, concern):
    allowed = text(what_happened="Across Greater Manchester a provider waited for an acorn of news.")
    assert draft(db_session, parties, concern, summary_text=allowed).id


def test_child_identifying_data_is_refused_in_every_field(db_session, parties, concern):
    for field in ("title", "what_happened", "what_learned", "what_changed"):
        with pytest.raises(ConcernError, match="NHS number") as refused:
            draft(db_session, parties, concern, summary_text=text(**{field: "Discussed 943 476 5919"}))
        assert refused.value.field == field


def test_a_theme_is_required(db_session, parties, concern):
    with pytest.raises(ConcernError, match="Select at least one theme"):
        draft(db_session, parties, concern, summary_text=text(themes=[]))


def test_names_are_shown_only_while_both_parties_agree(db_session, parties, concern):
    summary = draft(db_session, parties, concern)
    service.publish(db_session, parties.officer, summary, LATER)
    assert shown(db_session, summary).about == "a local authority"
    assert shown(db_session, summary).raised_by == "a provider"
    service.agree(db_session, parties.la_contact, summary, LATER)
    assert not service.names_shown(summary)
    service.agree(db_session, parties.provider, summary, LATER)
    assert service.names_shown(summary)
    view = shown(db_session, summary)
    assert (view.about, view.raised_by) == ("Bolton", "Acorn Lodge Care Ltd")
    service.withdraw(db_session, parties.provider, summary, LATER)  # after publication, too
    assert not service.names_shown(summary)
    assert shown(db_session, summary).raised_by == "a provider"


def test_with_both_agreeing_the_text_may_name_them_and_is_anonymised_again_on_withdrawal(db_session, parties, concern):
    summary = draft(db_session, parties, concern)
    service.agree(db_session, parties.la_contact, summary, LATER)
    with pytest.raises(ConcernError, match="Remove Bolton"):
        service.edit(db_session, parties.officer, summary, text(what_happened="Bolton was late."), LATER)
    service.agree(db_session, parties.provider, summary, LATER)
    named = text(what_happened="Bolton sent Acorn Lodge Care Ltd the plan for Oak Tree House late.")
    service.edit(db_session, parties.officer, summary, named, LATER)
    service.publish(db_session, parties.officer, summary, LATER)
    assert "Bolton" in shown(db_session, summary).what_happened
    service.withdraw(db_session, parties.la_contact, summary, LATER)
    assert (
        shown(db_session, summary).what_happened
        == "a local authority sent a provider the plan for a children's home late."
    )


def test_publishing_rechecks_the_names_once_an_agreement_is_withdrawn(db_session, parties, concern):
    summary = draft(db_session, parties, concern)
    service.agree(db_session, parties.la_contact, summary, LATER)
    service.agree(db_session, parties.provider, summary, LATER)
    service.edit(db_session, parties.officer, summary, text(title="What Bolton learned"), LATER)
    service.withdraw(db_session, parties.provider, summary, LATER)
    with pytest.raises(ConcernError, match="Remove Bolton"):
        service.publish(db_session, parties.officer, summary, LATER)
    assert summary.status is SummaryStatus.DRAFT


def test_only_a_party_to_the_concern_agrees_and_a_published_summary_is_not_changed(db_session, parties, concern):
    summary = draft(db_session, parties, concern)
    for outsider in (parties.other_provider, parties.other_la_contact, parties.officer):
        with pytest.raises(ConcernError, match="Only a party"):
            service.agree(db_session, outsider, summary, LATER)
        assert service.summary_for_party(db_session, summary.id, outsider) is None
    service.publish(db_session, parties.officer, summary, LATER)
    with pytest.raises(ConcernError, match="already published"):
        service.publish(db_session, parties.officer, summary, LATER)
    with pytest.raises(ConcernError, match="not changed"):
        service.edit(db_session, parties.officer, summary, SUMMARY, LATER)


def test_a_reopened_concern_summary_waits_until_it_is_closed_again(db_session, parties, concern):
    summary = draft(db_session, parties, concern)
    concerns.reopen(db_session, concern, parties.officer, "More to learn.", LATER)
    with pytest.raises(ConcernError, match="reopened"):
        service.publish(db_session, parties.officer, summary, LATER)


def test_an_officer_raised_concern_needs_only_the_agreement_of_the_party_it_is_about(db_session, parties):
    officer_concern = concerns.raise_concern(db_session, parties.officer, about_la(parties), LOGGED_AT)
    close_decided_by_officer(db_session, officer_concern, parties)
    summary = draft(db_session, parties, officer_concern)
    assert service.party_role(summary, parties.provider) is None
    service.agree(db_session, parties.la_contact, summary, LATER)
    assert service.names_shown(summary)
    assert shown(db_session, summary).raised_by == "an escalation officer"


def test_each_party_is_asked_about_the_summaries_of_its_own_concerns_only(db_session, parties, concern):
    officer_concern = concerns.raise_concern(db_session, parties.officer, about_la(parties), LOGGED_AT)
    close_decided_by_officer(db_session, officer_concern, parties)
    summaries = [draft(db_session, parties, concern), draft(db_session, parties, officer_concern)]
    service.draft_good_practice(db_session, parties.officer, Category.QUALITY_OF_CARE, SUMMARY, LATER)
    for user in vars(parties).values():
        # summaries_to_agree asks the database (party_clause); party_role asks each summary.
        assert service.summaries_to_agree(db_session, user) == [
            summary for summary in summaries if service.party_role(summary, user) is not None
        ], user.role
    assert service.summaries_to_agree(db_session, parties.provider) == summaries[:1]
    assert service.summaries_to_agree(db_session, parties.la_contact) == summaries


def test_good_practice_tied_to_no_concern_names_no_provider_or_home(db_session, parties):
    with pytest.raises(ConcernError, match="Remove Oak Tree House: good practice tied to no concern names no provider"):
        service.draft_good_practice(
            db_session, parties.officer, Category.QUALITY_OF_CARE, text(what_happened="Oak Tree House shone."), LATER
        )
    summary = service.draft_good_practice(db_session, parties.officer, Category.QUALITY_OF_CARE, SUMMARY, LATER)
    assert summary.kind is SummaryKind.GOOD_PRACTICE and summary.concern is None
    assert not service.names_shown(summary) and shown(db_session, summary).about == ""


def test_the_library_shows_drafts_only_to_officers_and_filters_and_searches(db_session, parties, concern):
    learning = draft(db_session, parties, concern)
    service.publish(db_session, parties.officer, learning, LATER)
    practice = service.draft_good_practice(
        db_session,
        parties.officer,
        Category.QUALITY_OF_CARE,
        text(
            title="Key workers stay",
            what_happened="Staff stayed.",
            what_learned="A settled key worker helps.",
            what_changed="",
            themes=[Theme.GOOD_PRACTICE],
        ),
        LATER,
    )
    ids = lambda found: [view.summary.id for view in found]  # noqa: E731
    assert ids(library(db_session, parties.other_provider)) == [learning.id]
    assert ids(library(db_session, parties.officer)) == [practice.id, learning.id]
    service.publish(db_session, parties.officer, practice, LATER)
    assert ids(library(db_session, parties.other_la_contact)) == [practice.id, learning.id]
    assert ids(library(db_session, parties.provider, category=Category.QUALITY_OF_CARE)) == [practice.id]
    assert ids(library(db_session, parties.provider, theme=Theme.EDUCATION)) == [learning.id]
    assert ids(library(db_session, parties.provider, text="KEY worker")) == [practice.id]
    assert ids(library(db_session, parties.provider, text="key plan")) == []


def test_a_search_for_a_name_finds_only_summaries_that_show_it(db_session, parties, concern):
    summary = draft(db_session, parties, concern)
    service.agree(db_session, parties.la_contact, summary, LATER)
    service.agree(db_session, parties.provider, summary, LATER)
    service.edit(db_session, parties.officer, summary, text(what_happened="Bolton was late."), LATER)
    service.publish(db_session, parties.officer, summary, LATER)
    assert len(library(db_session, parties.other_provider, text="bolton")) == 1
    service.withdraw(db_session, parties.la_contact, summary, LATER)
    assert library(db_session, parties.other_provider, text="bolton") == []
    assert "Bolton" not in library(db_session, parties.other_provider)[0].what_happened


def test_publishing_agreeing_and_withdrawing_are_audited(db_session, parties, concern):
    summary = draft(db_session, parties, concern)
    service.publish(db_session, parties.officer, summary, LATER)
    service.agree(db_session, parties.provider, summary, LATER)
    service.withdraw(db_session, parties.provider, summary, LATER)
    query = select(AuditEvent.action).where(AuditEvent.object_type == "LearningSummary").order_by(AuditEvent.id)
    assert list(db_session.scalars(query)) == [
        "learning.drafted",
        "learning.published",
        "learning.agreed",
        "learning.withdrawn",
    ]


def test_closed_concerns_without_a_summary_are_listed_for_officers(db_session, parties, concern):
    assert concern in service.closed_without_summary(db_session)
    draft(db_session, parties, concern)
    assert concern not in service.closed_without_summary(db_session)
    assert Side.LOCAL_AUTHORITY is concern.about_side


def test_a_search_for_a_party_finds_the_summaries_that_show_it_as_about_or_raised_by(db_session, parties, concern):
    summary = draft(db_session, parties, concern)  # its text names no one
    service.publish(db_session, parties.officer, summary, LATER)
    assert library(db_session, parties.other_provider, text="acorn") == []
    service.agree(db_session, parties.la_contact, summary, LATER)
    service.agree(db_session, parties.provider, summary, LATER)
    found = library(db_session, parties.other_provider, text="acorn lodge")
    assert [view.summary.id for view in found] == [summary.id] and found[0].raised_by == "Acorn Lodge Care Ltd"
    assert len(library(db_session, parties.other_provider, text="Bolton")) == 1
    service.withdraw(db_session, parties.provider, summary, LATER)
    assert library(db_session, parties.other_provider, text="acorn") == []
    assert library(db_session, parties.other_provider, text="bolton") == []


def test_a_home_s_ofsted_urn_is_a_name_too(db_session, parties, concern):
    from tests.homes.homes import create_home

    create_home(db_session, parties.provider.organisation, name="Ash Court", ofsted_urn="SC480123")
    db_session.commit()
    with pytest.raises(ConcernError, match="Remove SC480123: the library shows no"):
        draft(db_session, parties, concern, summary_text=text(what_happened="The home SC480123 waited."))
    summary = draft(db_session, parties, concern)
    service.agree(db_session, parties.la_contact, summary, LATER)
    service.agree(db_session, parties.provider, summary, LATER)
    service.edit(db_session, parties.officer, summary, text(what_happened="The home SC480123 waited."), LATER)
    service.withdraw(db_session, parties.provider, summary, LATER)
    assert shown(db_session, summary).what_happened == "The home a children's home waited."


def test_a_provider_or_home_that_is_not_a_party_is_never_named(db_session, parties, concern):
    from tests.factories import create_provider
    from tests.homes.homes import create_home

    other = create_provider(db_session, name="Heronsgate Care Ltd")
    create_home(db_session, other, name="Larch View")
    db_session.commit()
    summary = draft(db_session, parties, concern)
    service.agree(db_session, parties.la_contact, summary, LATER)
    service.agree(db_session, parties.provider, summary, LATER)
    for words, named in [
        ("The young person left Larch View.", "Larch View"),
        ("Heronsgate Care helped.", "Heronsgate"),
    ]:
        with pytest.raises(ConcernError, match=f"Remove {named}.*never that of a provider or home that is not a party"):
            service.edit(db_session, parties.officer, summary, text(what_happened=words), LATER)
    service.edit(
        db_session, parties.officer, summary, text(what_happened="Acorn Lodge Care met Aspen Rise Care."), LATER
    )
    later = create_provider(db_session, name="Aspen Rise Care")  # a provider that joins after it is written
    db_session.commit()
    assert later.name and shown(db_session, summary).what_happened == "Acorn Lodge Care met a provider."
