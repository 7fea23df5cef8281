"""An LA contact filters the compliance table with JavaScript off and opens a return; an escalation
officer follows the overview to the escalated returns. Every page passes the accessibility check."""

from datetime import UTC, date, datetime

import pytest

from covenant_portal.access import Role
from covenant_portal.returns.models import PledgeStatus, ReminderStage, ReturnReminder
from covenant_portal.db import get_session
from tests.returns.helpers import create_return, filled_draft, period_of, signed_organisation, submit_filled_return
from tests.factories import PASSWORD, local_authority

pytestmark = pytest.mark.browser


def returns_in_bolton(live_server) -> int:
    """Three providers with a home in Bolton owing Q1 2026 to 2027: one signed (pledge 2 not met), one
    with a draft, one escalated. The period's id."""
    with live_server.app.app_context():
        session = get_session()
        period = period_of(session)
        signed = signed_organisation(session, homes=1)
        signed.organisation.name = "Alder Homes Ltd"
        submit_filled_return(
            session, signed, period, statuses={2: PledgeStatus.NOT_MET}, now=datetime(2026, 7, 6, 9, 30, tzinfo=UTC)
        )
        drafting = signed_organisation(session, homes=1)
        drafting.organisation.name = "Damson House Ltd"
        create_return(session, drafting.organisation, period, filled_draft(session, drafting.homes), drafting.user)
        escalated = signed_organisation(session, homes=1)
        escalated.organisation.name = "Elm Lodge Ltd"
        session.add(
            ReturnReminder(
                organisation_id=escalated.organisation.id,
                period_id=period.id,
                stage=ReminderStage.ESCALATED,
                sent_on=date(2026, 8, 12),
            )
        )
        session.commit()
        return period.id


def test_an_la_contact_filters_the_table_and_an_officer_follows_the_overview(open_portal, live_server):
    period_id = returns_in_bolton(live_server)
    with live_server.app.app_context():
        bolton_id = local_authority(get_session(), "Bolton").id
    contact = live_server.create_user(role=Role.LA_CONTACT, local_authority_id=bolton_id)

    la = open_portal(javascript_enabled=False)
    la.sign_in(contact.email, PASSWORD)
    assert "1 escalated" in la.text  # the dashboard's summary of the current period
    la.click_link("Returns")
    la.select("Period", "Q1 2026 to 2027 (April to June 2026)")
    la.select("State", "Overdue")
    la.press("Apply filters")
    assert la.path == f"/la/returns?period={period_id}&state=overdue"
    assert "1 provider: overdue" in la.text and "Damson House Ltd" in la.text and "Alder" not in la.text
    la.visit(f"/la/returns?period={period_id}")
    row = la.page.locator("tr", has_text="Alder Homes Ltd")
    assert row.locator(".govuk-tag", has_text="Not met").count() == 1
    la.click_link("Alder Homes Ltd")
    assert la.heading == "Alder Homes Ltd"
    assert "Version 1 (latest)" in la.text

    officer = live_server.create_user(role=Role.ESCALATION_OFFICER)
    eo = open_portal()
    eo.sign_in(officer.email, PASSWORD)
    assert "Elm Lodge Ltd" in eo.text  # escalated, on the dashboard
    eo.click_link("overview of quarterly returns")
    assert eo.heading == "Quarterly returns overview"
    eo.click_link("1 escalated for Q1 2026 to 2027")
    assert [cell.inner_text() for cell in eo.page.locator("tbody th").all()] == ["Elm Lodge Ltd"]
