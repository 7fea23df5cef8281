"""The LA contact's dashboard panel of quarterly returns: it counts every provider the LA sees for
the current period, in every state, as the LA's returns list (/la/returns) does."""

from datetime import UTC, date, datetime, timedelta

from covenant_portal.db import utcnow
from covenant_portal.filters import london_day
from covenant_portal.returns.compliance import service as compliance
from covenant_portal.returns.models import ReminderStage, ReturnReminder
from tests.returns.helpers import create_return, filled_draft, period_of, submit_filled_return
from tests.returns.test_compliance import scene  # noqa: F401 (the fixture)


def _state_links(page, heading: str) -> dict[str, str]:
    """The counts listed under the heading, by state: {"submitted": "1 submitted", ...}. Every
    non-zero count links to its returns; a zero count ("0 overdue") is plain text, not a link to an
    empty list."""
    found = {}
    title = next(each for each in page.select("h2") if each.get_text().strip().startswith(heading))
    labels = {state.label.lower(): state.value for state in compliance.STATES}
    for item in title.find_next("ul").select("li"):
        text = " ".join(item.get_text().split())
        count, _, label = text.partition(" ")
        link = item.select_one("a")
        if count == "0":
            assert link is None, text
        else:
            assert link is not None and " ".join(link.get_text().split()) == text, text
            assert link["href"].rpartition("state=")[2] == labels[label], text
        found[labels[label]] = text
    return found


def test_the_la_dashboard_counts_every_provider_it_sees_as_the_returns_list_does(client_request, db_session, scene):
    # The current period (Q2 2026 to 2027) not yet due: one return signed, one draft, one escalated
    # (a reminder from the period before the due date was moved), the rest not started.
    current = period_of(db_session, 2026, 2)
    current.due_on = london_day(utcnow()) + timedelta(days=20)
    submit_filled_return(db_session, scene.hosted, current, now=datetime(2026, 10, 5, 9, 0, tzinfo=UTC))
    create_return(
        db_session,
        scene.drafting.organisation,
        current,
        filled_draft(db_session, scene.drafting.homes),
        scene.drafting.user,
    )
    db_session.add(
        ReturnReminder(
            organisation_id=scene.closed_home.organisation.id,
            period_id=current.id,
            stage=ReminderStage.ESCALATED,
            sent_on=date(2026, 11, 12),
        )
    )
    db_session.flush()
    client_request.login(scene.bolton_contact)
    panel = client_request.get_page("/dashboard")
    listed = client_request.get_page("/la/returns")
    counts = _state_links(panel, "Quarterly returns")
    assert list(counts) == [state.value for state in compliance.STATES]  # every state, as the list orders them
    assert counts == _state_links(listed, "Q2 2026 to 2027")  # the same counts as the LA's returns list
    assert counts["submitted"] == "1 submitted" and counts["draft"] == "1 draft"
    assert counts["escalated"] == "1 escalated" and counts["overdue"] == "0 overdue"
    not_started = int(counts["not_started"].split()[0])
    assert not_started >= 1
    total = 3 + not_started
    assert f"{total} providers owe a return" in panel.text and f"{total} providers owe a return" in listed.text


def test_an_earlier_quarter_s_escalated_return_stays_on_the_la_dashboard_until_signed(
    client_request, db_session, scene
):
    # The current quarter is not yet due, so nothing in it is late; the quarter before has a return
    # escalated and never signed: the LA is asked to chase it, not told "0 escalated" only.
    current = period_of(db_session, 2026, 2)
    current.due_on = london_day(utcnow()) + timedelta(days=20)
    earlier = scene.period
    assert earlier.starts_on < current.starts_on
    db_session.add(
        ReturnReminder(
            organisation_id=scene.drafting.organisation.id,
            period_id=earlier.id,
            stage=ReminderStage.ESCALATED,
            sent_on=earlier.due_on + timedelta(days=15),
        )
    )
    db_session.flush()
    client_request.login(scene.bolton_contact)
    page = client_request.get_page("/dashboard")
    action = page.select_one(f"a[href*='period={earlier.id}'][href*='state=escalated']")
    assert action is not None
    assert " ".join(action.get_text().split()) == f"1 {earlier.label} return escalated and still not sent"
    assert "Damson House Ltd" in page.text
    # Another authority's contact, who does not see Damson House, is not asked to chase it.
    client_request.login(scene.wigan_contact)
    assert "Damson House Ltd" not in client_request.get_page("/dashboard").text
