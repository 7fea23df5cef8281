"""The host LA's page of a revised proposal says, above the proposal, what changed since the version
before (the version page's differences, `wording.differences`), linked to the version page."""

from datetime import timedelta

import pytest

from covenant_portal.audit.service import SYSTEM
from covenant_portal.expansions.proposals import drafts, submission
from tests.expansions.helpers import ANSWERS, NOW, key, links, people, submitted


@pytest.fixture
def who(db_session):
    return people(db_session)


def revised(session, user, proposal, section: str, changed: dict, now):
    submission.start_revision(session, user, proposal, SYSTEM, now)
    answers = {**ANSWERS[section], **changed}
    drafts.save_section(session, proposal, section, answers, drafts.seen(proposal, section), user, SYSTEM, now)
    submission.submit(session, links(), key, user, proposal, proposal.draft_lock, SYSTEM, now)
    return proposal


def test_the_host_las_page_of_a_revision_says_what_changed_and_links_to_the_version(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    revised(db_session, who.provider, proposal, "service", {"places": "2"}, NOW + timedelta(days=7))
    client_request.login(who.bury)
    page = client_request.get_page("expansion_triage.proposal", proposal_id=proposal.id)
    summary = page.select_one("#what-changed")
    assert summary is not None
    assert summary.select_one("h2").get_text(strip=True) == "What changed since version 1"
    assert page.summary_list("#what-changed") == {"Number of places": "2 (was 3 in version 1)"}  # only what changed
    link = summary.select_one(f'a[href="/la/expansions/{proposal.id}/versions/2#changes"]')
    assert link is not None and link.get_text(" ", strip=True) == "See version 2 and what changed in full"


def test_a_revision_that_changed_no_answer_says_so(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    revised(db_session, who.provider, proposal, "service", {}, NOW + timedelta(days=7))
    client_request.login(who.admin)
    page = client_request.get_page("expansion_triage.proposal", proposal_id=proposal.id)
    assert "No answer changed." in page.select_one("#what-changed").get_text()


def test_a_first_version_says_nothing_of_changes(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    client_request.login(who.bury)
    page = client_request.get_page("expansion_triage.proposal", proposal_id=proposal.id)
    assert page.select("#what-changed") == []
