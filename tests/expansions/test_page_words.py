"""Words on the expansions pages that must be true: a draft nobody has saved says who started it
("Started on …"), not "Last saved …"; the timeline says which version a response was on; a
colleague's save is said in a banner, its link a link (not HTML shown as text)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from covenant_portal.audit.service import SYSTEM
from covenant_portal.expansions.proposals import drafts, submission
from covenant_portal.expansions.chasing.service import chase
from covenant_portal.filters import london_datetime
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.web.working_days import clock
from covenant_portal.db import utcnow
from tests.expansions.helpers import ANSWERS, draft, links, outcome, people, submitted
from tests.expansions.test_pages import hidden
from tests.factories import create_user

STARTED = datetime(2026, 10, 5, 9, 30, tzinfo=UTC)


@pytest.fixture
def who(db_session):
    return people(db_session)


def saved_line(client_request, proposal) -> str:
    page = client_request.get_page("expansion_proposals.proposal", proposal_id=proposal.id)
    return page.select_one("#draft-saved").get_text(" ", strip=True)


def test_a_proposal_just_started_says_who_started_it_until_the_first_save(client_request, db_session, who):
    proposal = drafts.start_proposal(db_session, who.provider, SYSTEM, STARTED)
    client_request.login(who.provider)
    assert saved_line(client_request, proposal) == f"Started on 5 October 2026 by {who.provider.full_name}."
    colleague = create_user(db_session, organisation_id=who.provider.organisation_id, full_name="Ben Okafor")
    saved_at = datetime(2026, 10, 6, 14, 5, tzinfo=UTC)
    seen = drafts.seen(proposal, "service")
    drafts.save_section(db_session, proposal, "service", ANSWERS["service"], seen, colleague, SYSTEM, saved_at)
    assert saved_line(client_request, proposal) == f"Last saved {london_datetime(saved_at)} by Ben Okafor."


def test_a_revision_just_started_says_who_started_it(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    submission.start_revision(db_session, who.provider, proposal, SYSTEM, datetime(2026, 10, 8, 11, tzinfo=UTC))
    client_request.login(who.provider)
    assert saved_line(client_request, proposal) == f"Started on 8 October 2026 by {who.provider.full_name}."


def test_the_timeline_says_which_version_a_response_was_on(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    outcome(db_session, who.bury, proposal)
    client_request.login(who.provider)
    page = client_request.get_page("expansion_proposals.proposal", proposal_id=proposal.id)
    headings = [h.get_text(" ", strip=True) for h in page.select(".app-timeline h3")]
    assert headings == ["Submitted version 1", "Response recorded on version 1"]


def test_a_colleagues_save_is_said_in_a_banner_with_a_link_not_as_html_text(client_request, db_session, who):
    proposal = draft(db_session, who.provider, {"service": ANSWERS["service"]})
    client_request.login(who.provider)
    url = client_request.url_for("expansion_proposals.section", proposal_id=proposal.id, section="service")
    shown = hidden(client_request.get(url).get_data(as_text=True))
    seen = drafts.seen(proposal, "service")
    colleague = create_user(db_session, organisation_id=who.provider.organisation_id, full_name="Ben & Co")
    drafts.save_section(
        db_session, proposal, "service", {**ANSWERS["service"], "places": "6"}, seen, colleague, SYSTEM, utcnow()
    )
    response = client_request.post(url, {**ANSWERS["service"], **shown, "places": "4"}, expected_status=409)
    banner = response.page.select_one(".govuk-notification-banner")
    heading = banner.select_one("p.govuk-notification-banner__heading").get_text(" ", strip=True)
    assert heading.startswith("Ben & Co saved this section on ") and "Nothing you typed here was saved" in heading
    assert banner.select_one("a.govuk-notification-banner__link").get_text(strip=True) == "See their answers"
    assert "<p" not in banner.get_text() and "&lt;" not in response.get_data(as_text=True).split("<main")[1][:4000]


def test_withdrawing_a_draft_says_what_is_lost_not_what_the_las_will_see(client_request, db_session, who):
    never_sent = draft(db_session, who.provider, {"service": ANSWERS["service"]})
    sent = submitted(db_session, who.provider)
    client_request.login(who.provider)
    page = client_request.get_page("expansion_proposals.withdraw", proposal_id=never_sent.id)
    assert "what has been typed in it deleted" in page.text and "No local authority has seen it" in page.text
    assert "signed versions" not in page.text and "will see it as withdrawn" not in page.text
    page = client_request.get_page("expansion_proposals.withdraw", proposal_id=sent.id)
    assert "will see it as withdrawn" in page.text and "Its signed versions and its history are kept" in page.text


def test_each_change_link_names_its_question_as_written(client_request, db_session, who):
    proposal = draft(db_session, who.provider)
    client_request.login(who.provider)
    page = client_request.get_page("expansion_proposals.check", proposal_id=proposal.id)
    hidden_words = [span.get_text() for span in page.select(".govuk-summary-list__actions .govuk-visually-hidden")]
    assert " “SC1 reference or Ofsted URN”" in hidden_words
    assert " “How Greater Manchester children will be given priority”" in hidden_words


def test_the_status_line_names_the_host_la_apart_from_the_status(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    submission.withdraw(db_session, who.provider, proposal, SYSTEM, datetime(2026, 10, 7, 9, tzinfo=UTC))
    client_request.login(who.provider)
    page = client_request.get_page("expansion_proposals.proposal", proposal_id=proposal.id)
    # Not "Withdrawn with Bury", as if Bury had withdrawn it.
    assert page.select_one("#status").get_text(" ", strip=True) == "Status: Withdrawn . Host local authority: Bury."


def test_a_withdrawn_proposal_is_not_said_to_be_waiting_for_someone_to_take_it(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    client_request.login(who.bury)
    page = client_request.get_page("expansion_triage.proposal", proposal_id=proposal.id)
    assert page.select_one("#taken-by").get_text(strip=True) == "Nobody has taken this proposal yet."
    submission.withdraw(db_session, who.provider, proposal, SYSTEM, datetime(2026, 10, 7, 9, tzinfo=UTC))
    page = client_request.get_page("expansion_triage.proposal", proposal_id=proposal.id)
    assert "Nobody has taken this proposal" not in page.text and not page.select("#taken-by")


def test_the_proposals_list_names_a_drafts_host_la_once_chosen(client_request, db_session, who):
    chosen = draft(db_session, who.provider, {"service": ANSWERS["service"]})  # Bury, not submitted
    drafts.start_proposal(db_session, who.provider, SYSTEM, STARTED)
    client_request.login(who.provider)
    page = client_request.get_page("expansion_proposals.proposals")
    hosts = {
        row.select_one("th, td").get_text(strip=True): row.select("td")[-3].get_text(strip=True)
        for row in page.select("tbody tr")
    }
    assert hosts == {chosen.title: "Bury", "Untitled proposal": "Not chosen yet"}


def test_a_first_response_due_today_is_said_mid_sentence_in_lower_case(app, db_session, who):
    submitted(db_session, who.provider)  # Tuesday 6 October 2026: due Tuesday 20 October
    chase(db_session, links(), datetime(2026, 10, 20, 9, tzinfo=UTC))
    text, html = db_session.execute(
        select(OutboxMessage.text_body, OutboxMessage.html_body).where(
            OutboxMessage.subject.startswith("First response due:")
        )
    ).first()
    assert "First response due by 20 October 2026: due today." in text and ": due today.</p>" in html
    due_today = clock(date(2026, 10, 6), 10, date(2026, 10, 20))
    macro = app.jinja_env.get_template("expansions/_macros.html").module.clock_line
    assert ": due today." in str(macro(due_today, None)) and "Due today" not in str(macro(due_today, None))


def test_a_weekly_fee_is_typed_after_a_pound_sign(client_request, db_session, who):
    proposal = draft(db_session, who.provider, {"service": ANSWERS["service"]})
    client_request.login(who.provider)
    page = client_request.get_page("expansion_proposals.section", proposal_id=proposal.id, section="registration")
    for name in ("fee_from", "fee_to"):
        wrapper = page.select_one(f"#{name}").find_parent(class_="govuk-input__wrapper")
        assert wrapper is not None and wrapper.select_one(".govuk-input__prefix").get_text(strip=True) == "£"
        # The £ is shown once, by the prefix; the label says it in words for screen readers, which
        # do not read the prefix (aria-hidden).
        assert wrapper.select_one(".govuk-input__prefix")["aria-hidden"] == "true"
        label = page.select_one(f'label[for="{name}"]').get_text(strip=True)
        assert label.endswith(", in pounds") and "£" not in label
    assert len(page.select(".govuk-input__prefix")) == 2  # the fees only
