"""The provider's pages of a return's draft: the list, starting, the task list, each section, check
answers. Nothing typed is lost: errors keep the input (400), a colleague's save is not overwritten
(409), and a session that timed out comes back to the same page after signing in again.

Pages run at the real time: Q1 2026 to 2027 opened on 1 July 2026 and Q2 on 1 October 2026."""

import html
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from covenant_portal.returns.models import QuarterlyReturn, PledgeStatus, ReminderStage, ReturnReminder
from tests.returns.helpers import (
    create_return,
    filled_draft,
    make_periods,
    gm_ons_codes,
    period_of,
    signed_organisation,
    submit_filled_return,
)
from tests.conftest import csrf_token_in
from covenant_portal.returns.drafts import service as drafts_service
from tests.factories import create_provider, create_user
from tests.page import text_of as text_of_tag
from covenant_portal.access import Role
from covenant_portal.db import utcnow
from covenant_portal.filters import london_day
from covenant_portal.returns.calendar.periods import default_due_date, quarter_dates, quarter_of
from tests.factories import PASSWORD
from tests.security.browsers import sign_in

HIDDEN = re.compile(r'name="(draft_lock|section_seen)"[^>]*value="([^"]*)"')


@pytest.fixture
def signed(db_session):
    return signed_organisation(db_session)


@pytest.fixture
def q1(db_session, signed):
    return period_of(db_session, 2026, 1)


@pytest.fixture
def started(db_session, signed, q1):
    return create_return(db_session, signed.organisation, q1, {}, signed.user)


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def shown_draft(page: str) -> dict:
    """The hidden draft_lock and section_seen of a page, as its form would send them."""
    return dict(HIDDEN.findall(page))


def save(client_request, url: str, data: dict, expected_status: int = 302, goes_to: str | None = None):
    """Submits a section's form as a browser would: with the hidden fields of the page as shown. A
    section saved goes on to the URL `goes_to` (the next section, or check answers after the last)."""
    shown = shown_draft(client_request.get(url).get_data(as_text=True))
    assert (expected_status == 302) == (goes_to is not None), "say where a saved section goes"
    return client_request.post(url, {**shown, **data}, expected_status=expected_status, expected_redirect=goes_to)


def test_the_list_shows_owed_periods_and_a_fresh_start_opens_the_task_list(client_request, db_session, signed, q1):
    q2 = period_of(db_session, 2026, 2)
    client_request.login(signed.user)

    page = text_of(client_request.get("/returns"))
    assert "Q1 2026 to 2027" in page and "Q2 2026 to 2027" in page
    assert "Start a new return" in page
    assert "Start from last quarter’s answers" not in page  # nothing signed yet
    assert "No reminders have been sent about your returns" in page

    response = client_request.post(
        "returns.start",
        {"start_from": "new"},
        form_url="/returns",
        expected_redirect="returns.task_list",
        period_id=q2.id,
    )

    quarterly_return = db_session.scalar(select(QuarterlyReturn).where(QuarterlyReturn.period_id == q2.id))
    assert response.location == f"/returns/{quarterly_return.id}"
    task_list = client_request.get_page("returns.task_list", return_id=quarterly_return.id)
    assert "You have completed 0 of 13 sections" in task_list
    assert task_list.text.count("Not started") == 13
    assert len(task_list.select(".govuk-task-list__item")) == 13
    assert "Continue the return" in client_request.get_page("returns.returns")


def test_starting_from_an_older_return_names_its_quarter(client_request, db_session, signed, q1):
    """Q2 was never sent: Q3's start button copies Q1's answers and says so, not 'last quarter's'."""
    submit_filled_return(db_session, signed, q1, now=datetime(2026, 7, 10, tzinfo=UTC))
    q2, q3 = period_of(db_session, 2026, 2), period_of(db_session, 2026, 3)
    client_request.login(signed.user)

    rows = {
        row.period.quarter: row for row in drafts_service.owed_returns(db_session, signed.organisation.id, q3.due_on)
    }
    assert (
        rows[2].period.id == q2.id and rows[2].carries_over_from.id == q1.id and rows[3].carries_over_from.id == q1.id
    )
    buttons = client_request.get_page("returns.returns").texts("#returns button")
    assert "Start from last quarter’s answers for Q2 2026 to 2027" in buttons
    if q3.opens_on <= london_day(utcnow()):  # the page runs at the real time
        assert "Start from your Q1 2026 to 2027 answers for Q3 2026 to 2027" in buttons
    assert rows[3].carry_over_text == "Start from your Q1 2026 to 2027 answers"
    assert rows[2].carry_over_text == "Start from last quarter’s answers"


def test_the_list_says_when_the_next_return_opens_and_is_due(client_request, db_session, signed):
    make_periods(db_session)
    year, quarter = quarter_of(london_day(utcnow()))  # the quarter running now: its return opens next
    starts_on, ends_on = quarter_dates(year, quarter)
    client_request.login(signed.user)

    shown = client_request.get_page("returns.returns").select_one("#upcoming-return")

    assert text_of_tag(shown) == (
        f"Your next return, for Q{quarter} {year} to {year + 1} ({starts_on:%B} to {ends_on:%B %Y}), opens on "
        f"{ends_on + timedelta(days=1):%-d %B %Y} and is due by {default_due_date(ends_on):%-d %B %Y}."
    )


def test_an_organisation_that_has_not_signed_is_told_when_returns_begin(client_request, db_session):
    admin = create_user(db_session, Role.PROVIDER, organisation=create_provider(db_session, name="Moorside Care Ltd"))
    client_request.login(admin)

    page = client_request.get_page("returns.returns")

    assert text_of_tag(page.select_one("#upcoming-return")) == (
        "You have no returns to make yet. Once Moorside Care Ltd has signed the covenant, it makes a return "
        "for every quarter after the one it signed in. Read the covenant"
    )
    assert page.link("Read the covenant") == "/covenant"
    assert "#returns" not in page.html and 'id="returns"' not in page.html


def test_the_list_shows_the_reminders_sent(client_request, db_session, signed, q1):
    db_session.add(
        ReturnReminder(
            organisation_id=signed.organisation.id,
            period_id=q1.id,
            stage=ReminderStage.OVERDUE_1_DAY,
            sent_on=q1.due_on + timedelta(days=1),
            recipients=["placements@provider.example"],
        )
    )
    db_session.add(
        ReturnReminder(
            organisation_id=signed.organisation.id,
            period_id=q1.id,
            stage=ReminderStage.ESCALATED,
            sent_on=q1.due_on + timedelta(days=14),
            recipients=["escalation.officer@gm.example"],
        )
    )
    db_session.flush()
    client_request.login(signed.user)
    page = text_of(client_request.get("/returns"))
    reminders = page[page.index('id="reminders"') :]
    assert "1 day overdue" in reminders and "placements@provider.example" in reminders
    assert "Escalated" in reminders and "escalation.officer@gm.example" not in reminders
    assert "Escalated" in page[page.index('id="returns"') : page.index('id="reminders"')]  # the return's state


def test_another_organisations_return_is_not_found(client_request, db_session, started, q1):
    stranger = signed_organisation(db_session, homes=0)
    client_request.login(stranger.user)
    for url in (
        f"/returns/{started.id}",
        f"/returns/{started.id}/pledges/1",
        f"/returns/{started.id}/occupancy",
        f"/returns/{started.id}/contacts",
        f"/returns/{started.id}/check",
    ):
        client_request.get(url, expected_status=404)
    client_request.client.post(f"/returns/{started.id}/pledges/1", data={"status": "met"})
    assert started.draft == {}
    # A period the organisation does not owe cannot be started either.
    late = signed_organisation(db_session, signed_at=datetime(2026, 5, 1, tzinfo=UTC))
    client_request.login(late.user)
    client_request.post(f"/returns/{q1.id}/start", {"start_from": "new"}, form_url="/returns", expected_status=404)


def test_a_pledge_is_saved_and_the_task_list_shows_it_completed(client_request, db_session, signed, started):
    client_request.login(signed.user)
    form = client_request.get_page("returns.pledge", return_id=started.id, number=4)
    assert "Pledge 4" in form.h1 and "Do not include anything that could identify a child" in form

    response = save(
        client_request,
        f"/returns/{started.id}/pledges/4",
        {"status": "partly_met", "narrative": "We told Wigan each week."},
        goes_to=f"/returns/{started.id}/pledges/5",  # "Save and continue": on to the next pledge
    )

    db_session.refresh(started)
    assert started.draft["pledges"]["4"]["narrative"] == "We told Wigan each week."
    next_pledge = client_request.get_page(response.location)
    assert "Pledge 4 has been saved" in next_pledge.notification_banner
    assert "Pledge 5" in next_pledge.h1
    task_list = client_request.get_page("returns.task_list", return_id=started.id)
    assert "You have completed 1 of 13 sections" in task_list


def test_save_and_return_to_the_task_list_goes_back_to_it(client_request, db_session, signed, started):
    client_request.login(signed.user)
    url = f"/returns/{started.id}/pledges/11"
    page = client_request.get_page(url)
    assert page.texts("form .govuk-button-group .govuk-button") == [
        "Save and continue",
        "Save and return to the task list",
    ]
    shown = shown_draft(client_request.get(url).get_data(as_text=True))
    client_request.post(
        url,
        {**shown, "status": "met", "narrative": "", "save_and_return": "Save and return to the task list"},
        expected_redirect=f"/returns/{started.id}",
    )
    db_session.refresh(started)
    assert started.draft["pledges"]["11"]["status"] == "met"
    # "Save and continue" from the last pledge goes on to occupancy, the next section.
    save(client_request, url, {"status": "met", "narrative": ""}, goes_to=f"/returns/{started.id}/occupancy")


def test_a_pledge_with_mistakes_keeps_what_was_typed(client_request, db_session, signed, started):
    client_request.login(signed.user)

    response = save(
        client_request,
        f"/returns/{started.id}/pledges/2",
        {"status": "not_met", "narrative": "Our NHS contact 943 476 5919 said"},
        expected_status=400,
    )

    page = response.page
    assert "Remove 943 476 5919: it looks like an NHS number" in page.error_for("narrative")
    assert page.value_of("narrative") == "Our NHS contact 943 476 5919 said"
    assert page.value_of("status") == "not_met"
    assert "Up to 5,000 characters." in page.text
    missing = save(
        client_request,
        f"/returns/{started.id}/pledges/2",
        {"status": "partly_met", "narrative": ""},
        expected_status=400,
    ).page
    assert "Explain how you kept the pledge" in missing.error_for("narrative")
    db_session.refresh(started)
    assert started.draft == {}


def occupancy_form(db_session, signed, **typed) -> dict:
    bolton = gm_ons_codes(db_session)[0]
    first, second = signed.homes
    values = {
        f"home_{first.id}_registered_places": "4",
        f"home_{first.id}_vacant_places": "1",
        f"home_{first.id}_placed_{bolton}": "2",
        f"home_{first.id}_placed_outside_gm": "",
        f"home_{second.id}_registered_places": "4",
        f"home_{second.id}_vacant_places": "4",
    }
    return values | {key.format(first=first.id, second=second.id, bolton=bolton): value for key, value in typed.items()}


def test_bad_occupancy_is_refused_with_messages_and_every_figure_kept(client_request, db_session, signed, started):
    client_request.login(signed.user)
    first, second = signed.homes
    page = client_request.get_page("returns.occupancy", return_id=started.id)
    assert page.value_of(f"home_{first.id}_registered_places") == "4"  # the home's registered places
    # Each home's GM local authorities are a form group of their own (GOV.UK Frontend takes the space
    # after the last group in a fieldset away, which left the next question jammed against Wigan's).
    placed = page.select_one(f'fieldset[aria-describedby="home-{first.id}-placed-hint"]')
    assert "govuk-form-group" in placed.parent["class"] and placed.parent.name == "div"

    response = save(
        client_request,
        f"/returns/{started.id}/occupancy",
        occupancy_form(
            db_session,
            signed,
            **{
                "home_{first}_placed_{bolton}": "3",
                "home_{first}_placed_outside_gm": "1",
                "home_{second}_vacant_places": "two",
            },
        ),
        expected_status=400,
    )

    page = response.page
    # Every error at once: the sums of a home whose own figures are numbers, beside another home's typo.
    assert page.error_for(f"home_{first.id}_registered_places") == (
        f"Children placed plus vacant places (5) must not be more than registered places (4) at {first.name}"
    )
    vacant = f"Vacant places at {second.name} must be a whole number, like 2"
    assert page.error_for(f"home_{second.id}_vacant_places") == vacant
    for name, value in occupancy_form(
        db_session,
        signed,
        **{
            "home_{first}_placed_{bolton}": "3",
            "home_{first}_placed_outside_gm": "1",
            "home_{second}_vacant_places": "two",
        },
    ).items():
        assert page.value_of(name) == value, name

    # With every figure a number, the sums are checked: the message is next to the registered places.
    response = save(
        client_request,
        f"/returns/{started.id}/occupancy",
        occupancy_form(
            db_session, signed, **{"home_{first}_placed_{bolton}": "3", "home_{first}_placed_outside_gm": "1"}
        ),
        expected_status=400,
    )
    page = text_of(response)
    message = f"Children placed plus vacant places (5) must not be more than registered places (4) at {first.name}"
    assert page.count(message) == 2  # in the error summary and next to the field
    assert f'href="#home_{first.id}_registered_places"' in page
    db_session.refresh(started)
    assert started.draft == {}

    save(
        client_request,
        f"/returns/{started.id}/occupancy",
        occupancy_form(db_session, signed),
        goes_to=f"/returns/{started.id}/contacts",  # the section after occupancy
    )
    db_session.refresh(started)
    assert started.draft["occupancy"][str(first.id)]["placed_by"] == {gm_ons_codes(db_session)[0]: 2}


def test_contacts_are_confirmed(client_request, db_session, signed, started):
    client_request.login(signed.user)
    page = text_of(client_request.get(f"/returns/{started.id}/contacts"))
    assert "Priya Shah" in page
    refused = text_of(save(client_request, f"/returns/{started.id}/contacts", {}, expected_status=400))
    assert "Confirm that these are your named contacts" in refused
    # The last section: saving it goes to check answers.
    save(client_request, f"/returns/{started.id}/contacts", {"confirmed": "y"}, goes_to=f"/returns/{started.id}/check")
    db_session.refresh(started)
    assert started.draft["contacts"] == {"confirmed": True, "from_last_quarter": False}


def test_a_colleagues_save_is_not_overwritten_and_what_was_typed_is_kept(
    client_request, another_browser, db_session, signed, started
):
    colleague = signed.colleague(db_session, full_name="Dee Colleague")
    url = f"/returns/{started.id}/pledges/1"
    client_request.login(signed.user)
    another_browser.login(colleague)
    mine = shown_draft(client_request.get(url).get_data(as_text=True))
    save(
        another_browser,
        url,
        {"status": "not_met", "narrative": "Dee's account of pledge 1."},
        goes_to=f"/returns/{started.id}/pledges/2",
    )

    response = client_request.post(url, {**mine, "status": "met", "narrative": "My own words."}, expected_status=409)

    page = text_of(response)
    assert "Your answers have not been saved: Dee Colleague saved this section on " in page
    assert "Dee's account of pledge 1." in page  # what Dee saved, to compare
    assert ">My own words.</textarea>" in page  # what I typed, kept
    db_session.refresh(started)
    assert started.draft["pledges"]["1"]["narrative"] == "Dee's account of pledge 1."

    # Saving again from the conflict page replaces Dee's answer, knowingly.
    again = shown_draft(response.get_data(as_text=True))
    client_request.client.post(
        url,
        data={
            "csrf_token": csrf_token_in(response.get_data(as_text=True)),
            **again,
            "status": "met",
            "narrative": "My own words.",
        },
    )
    db_session.refresh(started)
    assert started.draft["pledges"]["1"] == {"status": "met", "narrative": "My own words.", "from_last_quarter": False}


def test_starting_from_last_quarter_marks_answers_and_check_shows_what_changed(client_request, db_session, signed, q1):
    submit_filled_return(db_session, signed, q1, now=datetime(2026, 7, 10, tzinfo=UTC))
    q2 = period_of(db_session, 2026, 2)
    client_request.login(signed.user)
    assert "Start from last quarter’s answers" in text_of(client_request.get("/returns"))

    response = client_request.post(
        f"/returns/{q2.id}/start",
        {"start_from": "last_quarter"},
        form_url="/returns",
        expected_redirect="returns.task_list",
    )

    task_list = text_of(client_request.get(response.location))
    assert task_list.count("From last quarter – review") >= 13
    return_id = int(response.location.rsplit("/", 1)[1])
    pledge_page = text_of(client_request.get(f"/returns/{return_id}/pledges/3"))
    assert "These answers are from your last signed return" in pledge_page
    assert ">How we kept pledge 3.</textarea>" in pledge_page
    save(
        client_request,
        f"/returns/{return_id}/pledges/3",
        {"status": "met", "narrative": ""},
        goes_to=f"/returns/{return_id}/pledges/4",
    )

    check = text_of(client_request.get(f"/returns/{return_id}/check"))
    assert "What has changed since your last return (Q1 2026 to 2027)" in check
    changes = check[check.index('id="changes-table"') :]
    assert "Pledge 3: Answer" in changes and "Partly met" in changes and "Met" in changes
    assert "Pledge 3: How it was kept" in changes and "How we kept pledge 3." in changes
    assert "Pledge 4: Answer" not in changes
    assert "(from last quarter – review)" in check  # the other answers still want reviewing
    assert "You need to finish 12 sections before you can sign" in check


def test_no_declaration_is_ever_ticked_for_the_person(client_request, db_session, signed, q1):
    submit_filled_return(db_session, signed, q1, now=datetime(2026, 7, 10, tzinfo=UTC))
    q2 = period_of(db_session, 2026, 2)
    client_request.login(signed.user)
    response = client_request.post(
        f"/returns/{q2.id}/start",
        {"start_from": "last_quarter"},
        form_url="/returns",
        expected_redirect="returns.task_list",
    )
    return_id = int(response.location.rsplit("/", 1)[1])
    contacts_url = f"/returns/{return_id}/contacts"

    # Last quarter's contacts are carried over for review, but not their confirmation.
    page = client_request.get_page(contacts_url)
    assert page.select_one('input[name="confirmed"]') and page.value_of("confirmed") is None
    assert (
        "Confirm your named contacts From last quarter – review"
        in client_request.get_page(f"/returns/{return_id}").text
    )
    refused = save(client_request, contacts_url, {}, expected_status=400)
    assert "Confirm that these are your named contacts" in text_of(refused)

    # Confirmed, it is kept as confirmed; the page still asks for the tick each time it is shown.
    save(client_request, contacts_url, {"confirmed": "y"}, goes_to=f"/returns/{return_id}/check")
    assert db_session.get(QuarterlyReturn, return_id).draft["contacts"] == {
        "confirmed": True,
        "from_last_quarter": False,
    }
    assert client_request.get_page(contacts_url).value_of("confirmed") is None


def test_the_check_page_of_a_complete_return_has_the_sign_form(client_request, db_session, signed, q1):
    quarterly_return = create_return(db_session, signed.organisation, q1, filled_draft(db_session, signed.homes))
    client_request.login(signed.user)
    check = text_of(client_request.get(f"/returns/{quarterly_return.id}/check"))
    assert "You need to finish" not in check
    assert f'<form method="post" action="/returns/{quarterly_return.id}/sign" novalidate>' in check
    assert "This is your first signed return" in check
    # The signing declaration is for the signer to tick.
    page = client_request.get_page(f"/returns/{quarterly_return.id}/check")
    assert page.select_one('input[name="confirm"]') and page.value_of("confirm") is None


def test_a_signed_return_sends_its_pages_to_the_signed_version(client_request, db_session, signed, q1):
    submission = submit_filled_return(db_session, signed, q1, statuses={1: PledgeStatus.MET})
    client_request.login(signed.user)
    response = client_request.get(
        f"/returns/{submission.return_id}/pledges/1", expected_status=302, expected_redirect="returns.submission"
    )
    assert response.location == f"/returns/{submission.return_id}/submissions/1"


def test_a_session_that_timed_out_returns_to_the_draft_after_signing_in(
    app, client_request, db_session, signed, started
):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=1)
    browser = client_request.client
    url = f"/returns/{started.id}/pledges/5"
    assert sign_in(browser, signed.user.email, PASSWORD).status_code == 302
    save(
        client_request,
        url,
        {"status": "partly_met", "narrative": "Saved before the break."},
        goes_to=f"/returns/{started.id}/pledges/6",
    )

    time.sleep(2.1)  # idle for longer than the session lasts
    timed_out = browser.get(url)
    assert timed_out.status_code == 302
    assert timed_out.location == f"/sign-in?next=%2Freturns%2F{started.id}%2Fpledges%2F5"

    back = sign_in(browser, signed.user.email, PASSWORD, url=timed_out.location)
    assert back.status_code == 302 and back.location == url
    page = text_of(client_request.get(back.location))
    assert ">Saved before the break.</textarea>" in page
