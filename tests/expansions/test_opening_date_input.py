"""A proposal's planned opening is asked as one GOV.UK date input (month and year boxes, under the
legend "Planned opening"), its two fields' names, messages and stored answers as they were."""

import pytest

from covenant_portal.audit.service import SYSTEM
from covenant_portal.db import utcnow
from covenant_portal.expansions.proposals import drafts
from tests.expansions.helpers import ANSWERS, people
from tests.expansions.test_pages import hidden
from tests.page import text_of


@pytest.fixture
def who(db_session):
    return people(db_session)


@pytest.fixture
def section(client_request, db_session, who):
    proposal = drafts.start_proposal(db_session, who.provider, SYSTEM, utcnow())
    client_request.login(who.provider)
    url = client_request.url_for("expansion_proposals.section", proposal_id=proposal.id, section="service")
    return proposal, url


def test_the_planned_opening_is_one_date_input_with_month_and_year(client_request, section):
    page = client_request.get_page(section[1])
    [fieldset] = [f for f in page.select("fieldset") if f.select("#opening")]
    assert text_of(fieldset.select_one("legend")) == "Planned opening"
    assert text_of(fieldset.select_one("#opening-hint")) == "For example, 9 2027"
    assert "opening-hint" in fieldset["aria-describedby"].split()
    boxes = fieldset.select(".govuk-date-input__item input")
    assert [(box["name"], box["id"]) for box in boxes] == [
        ("opening_month", "opening_month"),
        ("opening_year", "opening_year"),
    ]
    labels = [text_of(fieldset.select_one(f'label[for="{box["id"]}"]')) for box in boxes]
    assert labels == ["Month", "Year"]
    assert not page.select('label[for="opening_month"]:-soup-contains("Planned opening month")')


def test_a_wrong_year_is_marked_alone_and_the_summary_goes_to_it(client_request, section):
    _, url = section
    shown = hidden(client_request.get(url).get_data(as_text=True))
    typed = {**ANSWERS["service"], **shown, "opening_month": "9", "opening_year": "next year"}
    page = client_request.post(url, typed, expected_status=400).page
    assert page.error_for("opening_year") == "Planned opening year must be a whole number, like 4"
    assert "govuk-input--error" in page.select_one("#opening_year")["class"]
    assert "govuk-input--error" not in page.select_one("#opening_month")["class"]
    assert "govuk-form-group--error" in page.select_one("#opening").find_parent(class_="govuk-form-group")["class"]
    assert [a["href"] for a in page.select(".govuk-error-summary__list a")] == ["#opening_year"]
    assert page.value_of("opening_month") == "9" and page.value_of("opening_year") == "next year"
    assert "opening-error" in page.select_one("fieldset[aria-describedby]:has(#opening)")["aria-describedby"]


def test_both_wrong_both_are_marked_both_messages_shown_the_summary_first_to_the_month(client_request, section):
    _, url = section
    shown = hidden(client_request.get(url).get_data(as_text=True))
    typed = {**ANSWERS["service"], **shown, "opening_month": "13", "opening_year": "1999"}
    page = client_request.post(url, typed, expected_status=400).page
    assert [a["href"] for a in page.select(".govuk-error-summary__list a")][0] == "#opening_month"
    assert page.error_for("opening_month") == (
        "Planned opening month must be between 1 and 12 Planned opening year must be between 2000 and 2100"
    )
    assert page.select_one("#opening-error br") is not None  # one message a line
    for box in ("#opening_month", "#opening_year"):
        assert "govuk-input--error" in page.select_one(box)["class"]


def test_the_answers_are_kept_as_before(client_request, db_session, section):
    proposal, url = section
    shown = hidden(client_request.get(url).get_data(as_text=True))
    typed = {**ANSWERS["service"], **shown, "opening_month": " 9 ", "opening_year": "2027"}
    client_request.post(url, typed, expected_redirect=url.replace("/service", "/registration"))
    db_session.refresh(proposal)
    assert (proposal.draft["service"]["opening_month"], proposal.draft["service"]["opening_year"]) == ("9", "2027")
    page = client_request.get_page(url)
    assert page.value_of("opening_month") == "9" and page.value_of("opening_year") == "2027"
