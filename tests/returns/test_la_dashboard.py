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
    """The counts listed under the heading, by state: {"submitted": "1 submitted", ...}."""
    found = {}
    title = next(each for each in page.select("h2") if each.get_text().strip().startswith(heading))
    for link in title.find_next("ul").select("a[href*='state=']"):
        state = link["href"].rpartition("state=")[2]
        found[state] = " ".join(link.get_text().split())
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
