"""Dates that cannot be in the past (a "Discuss further" meeting, a planned opening), a signed
version's answers in words on its pages (the signed document unchanged), and every field's problem
shown at once on the service section, the needs statement and the response forms."""

from datetime import UTC, date, datetime

import pytest

from covenant_portal.audit.service import SYSTEM
from covenant_portal.db import utcnow
from covenant_portal.expansions.common import Invalid
from covenant_portal.filters import london_day, money
from covenant_portal.expansions.models import ProposalOutcome
from covenant_portal.expansions.proposals import drafts, rules, wording
from covenant_portal.expansions.triage import service as triage
from covenant_portal.signing.canonical import canonical_sha256
from covenant_portal.web.stale import version_of
from tests.expansions.helpers import ANSWERS, NOW, draft, outcome, people, publish_need, submitted
from tests.expansions.test_pages import hidden
from tests.conftest import check_page
from tests.page import Page

DOB = "Placed since DOB 01/02/2012"


@pytest.fixture
def who(db_session):
    return people(db_session)


def rows(page) -> dict[str, str]:
    """Every summary list row of the page, key to value."""
    return {
        row.select_one(".govuk-summary-list__key").get_text(" ", strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(" ", strip=True)
        for row in page.select(".govuk-summary-list__row")
    }


def typed_date(html: str, day: str, month: str, year: str) -> bool:
    return all(f'value="{part}"' in html for part in (day, month, year))


# A "Discuss further" meeting: today or later


def test_a_meeting_date_before_today_in_london_is_refused():
    late_evening = datetime(2026, 10, 5, 23, 30, tzinfo=UTC)  # already 6 October in London (BST)
    assert london_day(late_evening) == date(2026, 10, 6)
    meeting = {"meeting_on": "The meeting date must be today or in the future"}
    for day, problems in ((date(2026, 10, 5), meeting), (date(2026, 10, 6), {}), (date(2027, 1, 14), {})):
        typed = triage.OutcomeInput("discuss_further", "", day)
        assert triage.outcome_problems(typed, late_evening) == problems
    # Only a "Discuss further" response has a meeting: another keeps none, so nothing to refuse.
    assert triage.outcome_problems(triage.OutcomeInput("supported", "", date(2020, 1, 1)), late_evening) == {}


def test_a_past_meeting_date_is_not_signed(db_session, who):
    proposal = submitted(db_session, who.provider)
    with pytest.raises(Invalid) as invalid:
        outcome(db_session, who.bury, proposal, "discuss_further", meeting_on=date(2020, 1, 1))
    assert invalid.value.errors == {"meeting_on": "The meeting date must be today or in the future"}
    assert db_session.query(ProposalOutcome).count() == 0


def test_the_response_page_refuses_a_past_meeting_next_to_the_field_keeping_what_was_typed(
    client_request, db_session, who
):
    proposal = submitted(db_session, who.provider)
    client_request.login(who.bury)
    typed = {"outcome": "discuss_further", "details": "Let us talk about staffing.", "meeting_on": ["1", "1", "2020"]}
    response = client_request.post("expansion_triage.outcome", typed, proposal_id=proposal.id, expected_status=400)
    page = response.page
    assert page.error_for("meeting_on-date-input") == "The meeting date must be today or in the future"
    assert "The meeting date must be today or in the future" in page.error_summary
    assert page.value_of("outcome") == "discuss_further" and page.value_of("details") == typed["details"]
    assert typed_date(response.get_data(as_text=True), "1", "1", "2020")
    assert db_session.query(ProposalOutcome).count() == 0


def test_the_response_page_shows_a_past_meeting_and_child_details_at_once(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    client_request.login(who.bury)
    typed = {"outcome": "discuss_further", "details": DOB, "meeting_on": ["1", "1", "2020"]}
    page = client_request.post("expansion_triage.outcome", typed, proposal_id=proposal.id, expected_status=400).page
    assert "date of birth" in page.error_for("details")
    assert page.error_for("meeting_on-date-input") == "The meeting date must be today or in the future"


def test_the_response_page_names_a_meeting_date_that_is_not_real_by_its_label(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    client_request.login(who.bury)
    typed = {"outcome": "discuss_further", "details": "Let us talk.", "meeting_on": ["31", "2", "2027"]}
    response = client_request.post("expansion_triage.outcome", typed, proposal_id=proposal.id, expected_status=400)
    assert response.page.error_for("meeting_on-date-input") == "Enter a real date for “Date of the meeting”"
    assert "Only for a “Discuss further” response" in response.get_data(as_text=True)
    assert typed_date(response.get_data(as_text=True), "31", "2", "2027")


# A planned opening: this month or later


@pytest.mark.parametrize(
    ("month", "year", "refused"),
    [("3", "2020", True), ("11", "2026", True), ("12", "2025", True), ("12", "2026", False), ("1", "2027", False)],
)
def test_a_planned_opening_before_this_month_is_refused(month, year, refused):
    today = date(2026, 12, 3)
    problem = rules.opening_problem(month, year, today)
    assert (problem == "The planned opening must be in December 2026 or later") is refused
    assert (problem is None) is not refused
    answers = {**ANSWERS["service"], "opening_month": month, "opening_year": year}
    problems = rules.section_problems("service", answers, {"host_la": {"E08000002"}}, complete=False, today=today)
    assert ("opening_month" in problems) is refused


@pytest.mark.parametrize(("year", "refused"), [("2020", True), ("2025", True), ("2026", False), ("2027", False)])
def test_a_planned_opening_year_typed_without_its_month_is_refused_before_this_year(year, refused):
    today = date(2026, 12, 3)
    problems = rules.section_problems("service", {"opening_year": year}, {}, complete=False, today=today)
    assert problems.get("opening_year") == ("The planned opening must be in 2026 or later" if refused else None)
    assert "opening_month" not in problems


def test_a_planned_opening_is_checked_against_the_saving_day(db_session, who):
    proposal = drafts.start_proposal(db_session, who.provider, SYSTEM, NOW)  # October 2026
    past = {**ANSWERS["service"], "opening_month": "9", "opening_year": "2026"}
    with pytest.raises(Invalid) as invalid:
        drafts.save_section(
            db_session, proposal, "service", past, drafts.seen(proposal, "service"), who.provider, SYSTEM, NOW
        )
    assert invalid.value.errors == {"opening_month": "The planned opening must be in October 2026 or later"}
    assert not (proposal.draft or {}).get("service")


def test_a_draft_whose_opening_month_has_passed_cannot_be_submitted(db_session, who):
    proposal = draft(db_session, who.provider)  # opening September 2027, saved in October 2026
    assert drafts.unfinished(db_session, proposal, date(2027, 9, 30)) == []
    [late] = drafts.unfinished(db_session, proposal, date(2027, 10, 1))
    assert (late.section, late.message) == (
        "service",
        "The service: The planned opening must be in October 2027 or later",
    )


def test_the_service_section_refuses_a_past_opening_next_to_the_field_keeping_what_was_typed(
    client_request, db_session, who
):
    proposal = drafts.start_proposal(db_session, who.provider, SYSTEM, utcnow())
    client_request.login(who.provider)
    url = client_request.url_for("expansion_proposals.section", proposal_id=proposal.id, section="service")
    shown = hidden(client_request.get(url).get_data(as_text=True))
    typed = {**ANSWERS["service"], **shown, "opening_month": "3", "opening_year": "2020"}
    page = client_request.post(url, typed, expected_status=400).page
    this_month = f"{london_day(utcnow()):%B %Y}"
    assert page.error_for("opening_month") == f"The planned opening must be in {this_month} or later"
    assert page.value_of("opening_month") == "3" and page.value_of("opening_year") == "2020"
    assert page.value_of("title") == "Radcliffe House" and page.value_of("places") == "3"
    assert not proposal.draft


# Every field's problem at once


def test_the_service_section_shows_every_problem_with_child_details_at_once(client_request, db_session, who):
    proposal = drafts.start_proposal(db_session, who.provider, SYSTEM, utcnow())
    client_request.login(who.provider)
    url = client_request.url_for("expansion_proposals.section", proposal_id=proposal.id, section="service")
    shown = hidden(client_request.get(url).get_data(as_text=True))
    typed = {
        **ANSWERS["service"],
        **shown,
        "needs_served": DOB,
        "opening_month": "13",
        "places": "abc",
        "age_from": "17",
        "age_to": "12",
    }
    page = client_request.post(url, typed, expected_status=400).page
    assert "date of birth" in page.error_for("needs_served")
    assert page.error_for("opening_month") == "Planned opening month must be between 1 and 12"
    assert page.error_for("places") == "Number of places must be a whole number, like 4"
    assert page.error_for("age_to") == "Oldest age must be the same as or older than the youngest age"
    assert len(page.error_summary) == 4 and page.value_of("needs_served") == DOB and page.value_of("places") == "abc"


def test_the_needs_statement_form_shows_every_problem_with_child_details_at_once(client_request, db_session, who):
    client_request.login(who.bury)
    typed = {
        "category": "fostering",
        "age_from": "17",
        "age_to": "12",
        "places_wanted": "0",
        "area": "Ramsbottom",
        "notes": DOB,
        "review_on": ["31", "3", "2027"],
    }
    page = client_request.post("expansion_needs.new_need", typed, expected_status=400).page
    assert "date of birth" in page.error_for("notes")
    assert page.error_for("age_to") == "Oldest age must be the same as or older than the youngest age"
    assert page.error_for("places_wanted") == "Places wanted must be a whole number from 1 to 500"
    assert page.error_for("priority") == "Choose the priority"
    assert len(page.error_summary) == 4
    assert (
        page.value_of("notes") == DOB
        and page.value_of("places_wanted") == "0"
        and page.value_of("area") == "Ramsbottom"
    )


# A signed version in words


def test_answers_are_worded_the_same_for_a_draft_and_a_signed_document():
    options = {"host_la": {"E08000006": "Salford"}, "need_id": {"none": rules.NO_NEED_WORDS}}
    service = {**ANSWERS["service"], "host_la": "E08000006", "opening_month": "9", "opening_year": "2027"}
    [shown, *_others] = wording.in_words({"service": service, "need": {"need_id": "none"}}, options)
    said = {answer.label: answer.text for answer in shown.answers}
    assert said["Which local authority would host it?"] == "Salford"
    assert said["Planned opening"] == "September 2027" and "Planned opening month" not in said
    document = {
        "hostLocalAuthority": {"onsCode": "E08000006", "name": "Salford"},
        "needAnswered": rules.NO_NEED_WORDS,
        "answers": {"service": service, "need": {"need_id": "none"}},
    }
    assert wording.version_in_words(document) == wording.in_words(document["answers"], options)
    assert wording.opening_in_words("", "") == "Not answered"


def test_differences_between_versions_are_in_words():
    def document(host, name, month):
        service = {**ANSWERS["service"], "host_la": host, "opening_month": month}
        return {"hostLocalAuthority": {"onsCode": host, "name": name}, "answers": {"service": service}}

    older, newer = document("E08000002", "Bury", "9"), document("E08000006", "Salford", "10")
    assert wording.differences(older, newer) == [
        ("Which local authority would host it?", "Bury", "Salford"),
        ("Planned opening", "September 2027", "October 2027"),
    ]


@pytest.mark.parametrize("answers_a_need", [False, True])
def test_a_signed_versions_pages_show_names_not_codes(client_request, another_browser, db_session, who, answers_a_need):
    need = publish_need(db_session, who.bury)
    answers = {**ANSWERS, "need": {**ANSWERS["need"], "need_id": str(need.id)}} if answers_a_need else ANSWERS
    proposal = submitted(db_session, who.provider, answers=answers)
    version = proposal.latest_version
    signed = (version.document_sha256, canonical_sha256(version.document))
    client_request.login(who.provider)
    another_browser.login(who.bury)
    provider_page = client_request.get_page("expansion_proposals.version", proposal_id=proposal.id, version=1)
    la_page = another_browser.get_page("expansion_triage.proposal", proposal_id=proposal.id)
    need_words = "Emotional and behavioural difficulties, ages 11 to 17, 4 places (Radcliffe)"
    for page in (provider_page, la_page):
        shown = rows(page)
        assert shown["Which local authority would host it?"] == "Bury"
        assert shown["Which published need does it answer?"] == (need_words if answers_a_need else rules.NO_NEED_WORDS)
        assert shown["Planned opening"] == "September 2027"
        assert "E08000002" not in page.text
    # The same words as the check-answers page gives the same answers before they are signed.
    check = client_request.get_page(
        "expansion_proposals.check", proposal_id=draft(db_session, who.provider, answers).id
    )
    assert rows(check) == rows(provider_page) == rows(la_page)
    # Only the pages changed: the signed document keeps its codes, and its digest.
    db_session.refresh(version)
    assert version.document["answers"]["service"]["host_la"] == "E08000002"
    assert (version.document_sha256, canonical_sha256(version.document)) == signed == (signed[0], signed[0])


# A response sent twice


def test_a_response_sent_again_from_a_second_tab_is_not_signed_twice(client_request, db_session, who):
    proposal = submitted(db_session, who.provider)
    client_request.login(who.bury)
    page = client_request.get_page(f"/la/expansions/{proposal.id}/outcome")
    seen = page.value_of("seen")  # the version of the proposal's responses (web/stale.py)
    assert seen == version_of([])
    typed = {
        "csrf_token": page.value_of("csrf_token"),
        "seen": seen,
        "outcome": "discuss_further",
        "details": "Let us meet.",
        "meeting_on": ["14", "1", "2027"],
    }
    first = client_request.client.post(f"/la/expansions/{proposal.id}/outcome", data=typed)
    second = client_request.client.post(f"/la/expansions/{proposal.id}/outcome", data=typed)
    # The one stale-tab page (409) for every area; this was a redirect to the proposal's page saying
    # "Nothing was signed: a response was recorded on this proposal after you opened the response page".
    assert (first.status_code, second.status_code) == (302, 409)
    assert db_session.query(ProposalOutcome).count() == 1
    check_page(second.get_data(as_text=True))
    shown = Page(second.get_data(as_text=True))
    assert "This proposal was changed by someone else while you had it open" in shown.h1
    assert "Nothing was saved. A response was recorded on it after you opened the response page" in shown.text
    assert shown.main.find("a", string="Open the proposal as it is now")["href"] == f"/la/expansions/{proposal.id}"
    again = client_request.get_page(f"/la/expansions/{proposal.id}/outcome")
    assert again.value_of("seen") == version_of([db_session.query(ProposalOutcome).one().id])  # a later one is possible


# Money in pounds


def test_money_is_shown_in_pounds_with_thousands_separators():
    assert [money(value) for value in (4200, "4200", " 5600 ", "0", 100000, -15, "")] == [
        "£4,200",
        "£4,200",
        "£5,600",
        "£0",
        "£100,000",
        "-£15",
        "",
    ]
    assert money(None) == "" and money("about 4k") == "about 4k"  # never a wrong sum


def test_a_signed_versions_weekly_fees_are_in_pounds_and_the_signed_document_keeps_its_digits(
    client_request, another_browser, db_session, who
):
    proposal = submitted(db_session, who.provider)
    version = proposal.latest_version
    signed = canonical_sha256(version.document)
    client_request.login(who.provider)
    another_browser.login(who.bury)
    provider_page = client_request.get_page("expansion_proposals.version", proposal_id=proposal.id, version=1)
    la_page = another_browser.get_page("expansion_triage.proposal", proposal_id=proposal.id)
    check = client_request.get_page("expansion_proposals.check", proposal_id=draft(db_session, who.provider).id)
    for page in (provider_page, la_page, check):
        shown = rows(page)
        assert (shown["Weekly fee from"], shown["Weekly fee to"]) == ("£4,500", "£5,500")
    db_session.refresh(version)
    assert version.document["answers"]["registration"]["fee_from"] == "4500"
    assert canonical_sha256(version.document) == signed == version.document_sha256


def test_a_weekly_fee_out_of_range_is_refused_in_pounds():
    registration = {**ANSWERS["registration"], "fee_to": "250000"}
    problems = rules.section_problems("registration", registration, {}, False, date(2026, 10, 1))
    assert problems["fee_to"] == "Weekly fee to must be between £0 and £100,000"
