"""Those who oversee the covenant (admins, escalation officers) find every submitted expansion
proposal from the navigation ("Expansions"): escalated ones first, then overdue ones, then the rest,
filtered by host LA and status; read-only, and for them only."""

from datetime import timedelta

import pytest

from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM
from covenant_portal.db import utcnow
from covenant_portal.expansions.oversight import routes as oversight_routes
from covenant_portal.expansions.proposals import drafts, submission
from covenant_portal.filters import london_day
from covenant_portal.web.working_days import clock, is_working_day
from tests.expansions.helpers import ANSWERS, draft, outcome, people, submitted
from tests.factories import create_user, local_authority
from tests.page import text_of


@pytest.fixture
def who(db_session):
    return people(db_session)


def overdue_by_a_day_or_two():
    """A submission time whose first response (10 working days) is 1 to 4 working days overdue today."""
    today = london_day(utcnow())
    for days_ago in range(14, 40):
        at = utcnow() - timedelta(days=days_ago)
        if -4 <= clock(london_day(at), 10, today).working_days_left <= -1:
            return at
    raise AssertionError("no such day")


def in_la(session, name: str, title: str) -> dict:
    ons = local_authority(session, name).ons_code
    return {**ANSWERS, "service": {**ANSWERS["service"], "host_la": ons, "title": title}}


@pytest.fixture
def proposals(db_session, who):
    escalated = submitted(db_session, who.provider, answers=in_la(db_session, "Bury", "Escalated House"))
    decided = submitted(db_session, who.provider, answers=in_la(db_session, "Bury", "Decided House"))
    outcome(db_session, who.bury, decided, "supported")
    overdue = submitted(
        db_session, who.provider, now=overdue_by_a_day_or_two(), answers=in_la(db_session, "Wigan", "Overdue House")
    )
    recent = submitted(db_session, who.provider, now=utcnow(), answers=in_la(db_session, "Bury", "Recent House"))
    withdrawn = submitted(db_session, who.provider, answers=in_la(db_session, "Wigan", "Withdrawn House"))
    submission.withdraw(db_session, who.provider, withdrawn, SYSTEM, utcnow())
    draft(db_session, who.provider, in_la(db_session, "Bury", "Draft House"))  # never shown to anyone else
    drafts.start_proposal(db_session, who.provider, SYSTEM, utcnow())
    return escalated, overdue, recent, decided, withdrawn


def titles(page) -> list[str]:
    return [row[0] for row in page.table("#overseen")[1:]]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ESCALATION_OFFICER])
def test_those_who_oversee_find_every_proposal_from_the_navigation_escalated_first(
    client_request, db_session, proposals, role
):
    client_request.login(create_user(db_session, role))
    dashboard = client_request.get_page("/dashboard")
    [entry] = [a for a in dashboard.select(".govuk-service-navigation__link") if a.get_text(strip=True) == "Expansions"]
    page = client_request.get_page(entry["href"])
    assert page.h1 == "Expansion proposals"
    assert titles(page) == ["Escalated House", "Overdue House", "Recent House", "Withdrawn House", "Decided House"]
    rows = page.table("#overseen")
    assert rows[0] == ["Proposal", "Provider", "Host local authority", "Status", "First response"]
    assert rows[1][2:4] == ["Bury", "Awaiting a response"]
    assert rows[1][4].startswith("Escalated Due 20 October 2026:") and rows[1][4].endswith("working days overdue")
    assert rows[2][4].startswith("Overdue Due ")
    assert rows[5][4].startswith("Given on 6 October 2026")
    assert page.texts(".govuk-service-navigation__item--active") == ["Expansions"]
    escalated = proposals[0]
    assert page.select(f'#overseen a[href^="/la/expansions/{escalated.id}"]')
    assert not page.select("form[method=post]"), "read-only"


def test_the_list_filters_by_host_la_and_status(client_request, db_session, who, proposals):
    client_request.login(who.admin)
    bury = local_authority(db_session, "Bury").ons_code
    page = client_request.get_page("expansion_oversight.proposals", local_authority=bury)
    assert titles(page) == ["Escalated House", "Recent House", "Decided House"]
    page = client_request.get_page("expansion_oversight.proposals", local_authority=bury, status="awaiting_triage")
    assert titles(page) == ["Escalated House", "Recent House"]
    assert page.select_one("#local_authority option[selected]")["value"] == bury
    page = client_request.get_page("expansion_oversight.proposals", status="withdrawn")
    assert titles(page) == ["Withdrawn House"]
    cells = [cell.get_text(" ", strip=True) for cell in page.select("#overseen tbody td")]
    assert cells[-1] == "None: withdrawn before a first response"  # not a bare "None"
    nothing = client_request.get_page("expansion_oversight.proposals", local_authority=bury, status="withdrawn")
    assert not nothing.select("#overseen") and nothing.select_one("#no-proposals").get_text(strip=True) == (
        "No proposal matches."
    )
    # A hand-made filter (not offered) is ignored, never a 500.
    page = client_request.get_page("expansion_oversight.proposals", local_authority="nowhere", status="draft")
    assert len(titles(page)) == 5


def test_la_contacts_and_providers_have_their_own_lists_not_this_one(client_request, db_session, who, proposals):
    for user in (who.bury, who.provider):
        client_request.login(user)
        nav = [
            a.get_text(strip=True)
            for a in client_request.get_page("/dashboard").select(".govuk-service-navigation__link")
        ]
        assert "Expansions" not in nav
        client_request.get("expansion_oversight.proposals", expected_status=403)


def back_link(page) -> tuple[str, str]:
    link = page.select_one("a.govuk-back-link")
    return link.get_text(strip=True), link["href"]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ESCALATION_OFFICER])
def test_a_proposal_goes_back_to_where_those_who_oversee_came_from(client_request, db_session, proposals, role):
    client_request.login(create_user(db_session, role))
    escalated = proposals[0]
    dashboard = client_request.get_page("/dashboard")
    [from_dashboard] = [a["href"] for a in dashboard.select("a") if escalated.title in a.get_text()]
    assert back_link(client_request.get_page(from_dashboard)) == ("Back to your dashboard", "/dashboard")
    bury = local_authority(db_session, "Bury").ons_code
    listed = client_request.get_page("expansion_oversight.proposals", local_authority=bury, status="awaiting_triage")
    [from_list] = [a["href"] for a in listed.select("#overseen a") if a.get_text(strip=True) == escalated.title]
    text, href = back_link(client_request.get_page(from_list))
    assert text == "Back to expansion proposals"
    assert href == client_request.url_for(
        "expansion_oversight.proposals", local_authority=bury, status="awaiting_triage"
    )
    unfiltered = client_request.get_page("expansion_oversight.proposals")
    [plain] = [a["href"] for a in unfiltered.select("#overseen a") if a.get_text(strip=True) == escalated.title]
    assert back_link(client_request.get_page(plain)) == ("Back to expansion proposals", "/expansions/oversight")


def test_a_hand_made_way_back_goes_nowhere_else(client_request, db_session, who, proposals):
    client_request.login(who.admin)
    url = f"/la/expansions/{proposals[0].id}?from=oversight&status=//evil.example&next=https://evil.example"
    text, href = back_link(client_request.get_page(url))
    assert text == "Back to expansion proposals" and href.startswith("/expansions/oversight")
    assert "evil" not in href.split("?")[0] and "next" not in href
    assert back_link(client_request.get_page(f"/la/expansions/{proposals[0].id}?from=https://evil.example")) == (
        "Back to your dashboard",
        "/dashboard",
    )


def test_an_la_contact_goes_back_to_their_queue(client_request, db_session, who, proposals):
    client_request.login(who.bury)
    page = client_request.get_page("expansion_triage.proposal", proposal_id=proposals[0].id)
    assert back_link(page) == ("Back to proposals", "/la/expansions")


def test_another_las_contact_goes_back_to_their_dashboard(client_request, db_session, who, proposals):
    """Wigan's contact, reading a proposal hosted in Bury (from the "for information" email), has
    no list that holds it: their queue is Wigan's."""
    client_request.login(who.wigan)
    page = client_request.get_page("expansion_triage.proposal", proposal_id=proposals[0].id)
    assert back_link(page) == ("Back to your dashboard", "/dashboard")


def test_the_list_has_pages_that_keep_its_filters(client_request, db_session, monkeypatch, who, proposals):
    monkeypatch.setattr(oversight_routes, "PER_PAGE", 2)
    client_request.login(who.admin)
    first = client_request.get_page("expansion_oversight.proposals")
    assert titles(first) == ["Escalated House", "Overdue House"]
    assert first.select_one("#overseen caption").get_text(strip=True) == "Expansion proposals, 1 to 2 of 5 shown"
    assert first.select_one(".govuk-pagination")["aria-label"] == "Pages of expansion proposals"
    assert [a["href"] for a in first.select(".govuk-pagination__next a")] == ["/expansions/oversight?page=2"]
    last = client_request.get_page("expansion_oversight.proposals", page=3)
    assert titles(last) == ["Decided House"]
    bury = local_authority(db_session, "Bury").ons_code
    filtered = client_request.get_page("expansion_oversight.proposals", local_authority=bury)
    [next_page] = [a["href"] for a in filtered.select(".govuk-pagination__next a")]
    assert next_page == client_request.url_for("expansion_oversight.proposals", local_authority=bury, page=2)
    second = client_request.get_page(next_page)
    assert titles(second) == ["Decided House"]
    assert second.select_one("#local_authority option[selected]")["value"] == bury
    # A proposal opened from the second page goes back to it.
    [opened] = [a["href"] for a in second.select("#overseen a")]
    assert back_link(client_request.get_page(opened))[1] == next_page
    for page in ("0", "-1", "x", "4", "99999999999999999999"):
        client_request.get(f"/expansions/oversight?page={page}", expected_status=404)
    client_request.get(f"/expansions/oversight?local_authority={bury}&page=3", expected_status=404)
    # A way back with a hand-made page goes to the list's first page, never to a page not found.
    href = back_link(client_request.get_page(f"/la/expansions/{proposals[0].id}?from=oversight&page=0"))[1]
    assert href == "/expansions/oversight"


def test_one_page_has_no_paging(client_request, who, proposals):
    client_request.login(who.admin)
    page = client_request.get_page("expansion_oversight.proposals")
    assert len(titles(page)) == 5 and not page.select(".govuk-pagination")
    assert page.select_one("#overseen caption").get_text(strip=True) == "Expansion proposals"


def test_a_proposals_version_and_letter_go_back_to_it_with_the_way_back_to_the_list(
    client_request, db_session, who, proposals
):
    client_request.login(who.admin)
    decided = proposals[3]
    bury = local_authority(db_session, "Bury").ons_code
    listed = client_request.get_page("expansion_oversight.proposals", local_authority=bury, status="decided")
    [opened] = [a["href"] for a in listed.select("#overseen a") if a.get_text(strip=True) == decided.title]
    assert "from=oversight" in opened and "status=decided" in opened
    page = client_request.get_page(opened)
    [version] = [a["href"] for a in page.select("a") if a.get_text(strip=True) == "Version 1"]
    [letter] = [a["href"] for a in page.select("a") if a.get_text(strip=True).startswith("letter")]
    for linked in (version, letter):
        assert back_link(client_request.get_page(linked)) == ("Back to the proposal", opened)
    # And from the proposal, back to the list as it was.
    assert back_link(client_request.get_page(opened))[1] == client_request.url_for(
        "expansion_oversight.proposals", local_authority=bury, status="decided"
    )
    # Reached any other way, they go back to the bare proposal; a hand-made way back goes nowhere else.
    plain = client_request.url_for("expansion_triage.proposal", proposal_id=decided.id)
    assert back_link(client_request.get_page(version.split("?")[0]))[1] == plain
    hand_made = f"{letter.split('?')[0]}?from=oversight&status=//evil.example&next=https://evil.example&page=x"
    href = back_link(client_request.get_page(hand_made))[1]
    assert href.startswith(f"{plain}?") and "next" not in href and "page" not in href
    assert back_link(client_request.get_page(f"{version.split('?')[0]}?from=https://evil.example"))[1] == plain


def test_the_la_contacts_and_providers_letter_goes_back_to_the_bare_proposal(client_request, who, proposals):
    decided = proposals[3]
    for user, endpoint in ((who.bury, "expansion_triage.proposal"), (who.provider, "expansion_proposals.proposal")):
        client_request.login(user)
        page = client_request.get_page(client_request.url_for(endpoint, proposal_id=decided.id))
        [letter] = [a["href"] for a in page.select("a") if a.get_text(strip=True).startswith("letter")]
        back = back_link(client_request.get_page(f"{letter}?from=oversight&status=decided"))
        assert back == ("Back to the proposal", client_request.url_for(endpoint, proposal_id=decided.id))


def test_a_proposal_due_today_says_so_mid_sentence(client_request, db_session, who):
    today = london_day(utcnow())
    if not is_working_day(today):
        pytest.skip("nothing falls due on a day that is not a working day")
    at = next(
        utcnow() - timedelta(days=days_ago)
        for days_ago in range(10, 30)
        if clock(london_day(utcnow() - timedelta(days=days_ago)), 10, today).working_days_left == 0
    )
    due = submitted(db_session, who.provider, now=at, answers=in_la(db_session, "Bury", "Due House"))
    client_request.login(who.admin)
    [row] = client_request.get_page("expansion_oversight.proposals").table("#overseen")[1:]
    assert row[4].startswith("Due ") and row[4].endswith(": due today")
    page = client_request.get_page("expansion_triage.proposal", proposal_id=due.id)
    assert text_of(page.select_one("#clock")).endswith(": due today.")


# The way back to the list is for those who oversee, and they post nothing on a proposal's page: every
# form there (take, ask, message, respond) is the host LA contacts', whose way back is always their
# queue. Should those who oversee be given a form there, it must carry the way back (`_kept`).
POSTED = ("expansion_triage.take", "expansion_triage.ask", "expansion_triage.message", "expansion_triage.outcome")
HAND_MADE = {"from": "oversight", "status": "awaiting_triage", "page": "2"}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ESCALATION_OFFICER])
def test_those_who_oversee_post_nothing_on_a_proposals_page(client_request, db_session, proposals, role):
    client_request.login(create_user(db_session, role))
    escalated = proposals[0]
    opened = client_request.url_for("expansion_triage.proposal", proposal_id=escalated.id, **HAND_MADE)
    page = client_request.get_page(opened)
    assert [form["action"] for form in page.select("main form[method=post]")] == []
    for endpoint in POSTED:
        url = client_request.url_for(endpoint, proposal_id=escalated.id, **HAND_MADE)
        assert client_request.client.post(url, data={"text": "Hello", "question": "Why?"}).status_code == 403


def test_an_la_contacts_posts_go_back_to_the_bare_proposal_whatever_the_query_string(client_request, who, proposals):
    client_request.login(who.bury)
    recent = proposals[2]
    bare = client_request.url_for("expansion_triage.proposal", proposal_id=recent.id)
    page = client_request.get_page(
        client_request.url_for("expansion_triage.proposal", proposal_id=recent.id, **HAND_MADE)
    )
    assert back_link(page) == ("Back to proposals", "/la/expansions")
    assert {form["action"].split("?")[0] == form["action"] for form in page.select("main form[method=post]")} == {True}
    for endpoint, typed in (
        ("expansion_triage.take", {}),
        ("expansion_triage.message", {"text": "We have children who would need this."}),
        ("expansion_triage.ask", {"question": "How many staff at night?"}),
    ):
        url = client_request.url_for(endpoint, proposal_id=recent.id, **HAND_MADE)
        client_request.post(url, typed, form_url=bare, expected_redirect=bare)
        assert back_link(client_request.get_page(bare)) == ("Back to proposals", "/la/expansions")
    refused = client_request.post(
        client_request.url_for("expansion_triage.message", proposal_id=recent.id, **HAND_MADE),
        {"text": ""},
        form_url=bare,
        expected_status=400,
    ).page
    assert back_link(refused) == ("Back to proposals", "/la/expansions")
