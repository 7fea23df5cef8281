"""Those who oversee the covenant (admins, escalation officers) are told of a proposal escalated for
want of a first response (5 working days after it was due) on their dashboards, and its page says
who can respond and how to reach them."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from covenant_portal.access import Role
from covenant_portal.db import utcnow
from covenant_portal.expansions.chasing.service import chase, escalated
from covenant_portal.expansions.triage import service as triage
from covenant_portal.audit.service import SYSTEM
from covenant_portal.mail.models import OutboxMessage
from tests.expansions.helpers import ANSWERS, links, people, submitted
from tests.factories import create_user, local_authority


@pytest.fixture
def who(db_session):
    return people(db_session)


def test_only_a_proposal_five_working_days_past_its_first_response_is_escalated(db_session, who):
    late = submitted(db_session, who.provider)  # Tuesday 6 October 2026: due Tuesday 20 October
    asked = submitted(db_session, who.provider)
    triage.request_information(
        db_session, links(), who.bury, asked, "Which schools?", SYSTEM, late.versions[0].submitted_at
    )
    assert escalated(db_session, date(2026, 10, 26)) == []  # 4 working days overdue
    [due] = escalated(db_session, date(2026, 10, 27))
    assert due.proposal.id == late.id and due.clock.working_days_left == -5  # the paused one is not


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ESCALATION_OFFICER])
def test_those_who_oversee_are_asked_about_an_escalated_proposal_and_told_whom_to_ask(
    client_request, db_session, who, role
):
    late = submitted(db_session, who.provider)  # due 20 October 2026: long escalated by now
    submitted(db_session, who.provider, now=utcnow())  # just submitted: not escalated
    client_request.login(create_user(db_session, role))
    dashboard = client_request.get_page("/dashboard")
    links_to = [a for a in dashboard.select("a") if "Expansion proposal escalated" in a.get_text()]
    assert [a.get_text(" ", strip=True) for a in links_to] == [
        f"Expansion proposal escalated: Bury has not responded to “{late.title}”"
    ]
    assert "The first response was due on 20 October 2026" in dashboard.text
    assert "only Bury’s contacts can respond" in dashboard.text
    page = client_request.get_page(links_to[0]["href"])
    assert "Only Bury’s contacts can respond to this proposal" in page.text
    mailto = page.select_one('.govuk-inset-text a[href="mailto:bury.placements@council.example"]')
    assert mailto is not None and who.bury.full_name in page.select_one(".govuk-inset-text").get_text()


def test_a_host_with_no_named_contact_is_said_to_have_none(client_request, db_session, who):
    oldham = {**ANSWERS, "service": {**ANSWERS["service"], "host_la": local_authority(db_session, "Oldham").ons_code}}
    proposal = submitted(db_session, who.provider, answers=oldham)
    client_request.login(who.admin)
    page = client_request.get_page("expansion_triage.proposal", proposal_id=proposal.id)
    inset = " ".join(page.select_one(".govuk-inset-text").get_text().split())
    assert (
        inset.startswith("Only Oldham’s contacts can respond")
        and "Oldham has no named contact: find its contacts in the directory." in inset
    )
    assert page.select('.govuk-inset-text a[href="/directory"]'), inset


def test_an_la_contact_and_a_provider_are_not_told_of_escalations(client_request, db_session, who):
    submitted(db_session, who.provider)
    for user in (who.bury, who.wigan, who.provider):
        client_request.login(user)
        assert "Expansion proposal escalated" not in client_request.get_page("/dashboard").text


def test_the_escalation_email_names_the_proposal_and_who_can_respond(db_session, who):
    late = submitted(db_session, who.provider)  # due Tuesday 20 October 2026
    chase(db_session, links(), datetime(2026, 10, 27, 9, tzinfo=UTC))  # 5 working days overdue
    text, html = db_session.execute(
        select(OutboxMessage.text_body, OutboxMessage.html_body).where(
            OutboxMessage.recipient == who.admin.email, OutboxMessage.subject.startswith("Escalated")
        )
    ).one()
    said = f'{who.provider.organisation.name}\'s proposal "{late.title}" has had no first response from Bury'
    assert said in text and "Only Bury's contacts can respond" in text
    assert f"proposal “{late.title}” has had no first response from Bury" in html


def test_only_those_who_oversee_are_told_whom_to_ask_for_the_host_las_response(db_session, who):
    proposal = submitted(db_session, who.provider)
    officer = create_user(db_session, Role.ESCALATION_OFFICER)
    for viewer in (who.admin, officer):
        assert [named.email for named in triage.contacts_to_ask(db_session, viewer, proposal)] == [
            "bury.placements@council.example"
        ]
    for viewer in (who.bury, who.wigan):  # the host's own contacts respond; another LA's read
        assert triage.contacts_to_ask(db_session, viewer, proposal) == []
