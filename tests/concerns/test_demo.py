"""The demo's concerns (issue 13, point 10): one at every stage, one reopened, made through the
services, a ledger that verifies, and something for each party and the officer to do."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from covenant_portal.access import Role
from covenant_portal.concerns.models import Concern, ConcernClosure, ConcernEvent, EventKind, Stage
from covenant_portal.demo import PASSWORDS, DemoSettings, seed_demo
from covenant_portal.signing.records import record_kinds
from covenant_portal.signing.service import verify_ledger
from tests.seeded_demo import LONG_PAST_DUE

pytestmark = pytest.mark.seeded_demo  # seeded once for the run (tests/seeded_demo.py)


def sign_in(client_request, email: str, role: Role) -> None:
    client_request.post("/sign-in", {"email": email, "password": PASSWORDS[role]}, expected_redirect="/dashboard")


def test_the_demo_has_a_concern_at_every_stage_and_one_reopened(db_session):
    stages = Counter(concern.stage for concern in db_session.scalars(select(Concern)))
    assert set(stages) == set(Stage)
    reopened = db_session.scalars(select(ConcernEvent).where(ConcernEvent.kind == EventKind.REOPENED)).all()
    assert len(reopened) == 1 and reopened[0].concern.stage is Stage.RESOLUTION_PROPOSED
    assert db_session.scalar(select(func.count()).select_from(ConcernClosure)) == 2
    assert verify_ledger(db_session, record_kinds()).ok


def test_seeding_again_adds_no_concern(app, db_session):
    before = db_session.scalar(select(func.count()).select_from(ConcernEvent))
    seed_demo(db_session, DemoSettings.from_app(app), LONG_PAST_DUE + timedelta(hours=2))
    assert db_session.scalar(select(func.count()).select_from(ConcernEvent)) == before


@pytest.mark.parametrize(
    ("email", "role", "asked"),
    [
        ("bury.contact@demo.gm-first.example", Role.LA_CONTACT, "Acknowledge the concern raised by Brightwater"),
        ("brightwater.admin@demo.gm-first.example", Role.PROVIDER, "Acknowledge the concern raised by Bury"),
        ("escalation@demo.gm-first.example", Role.ESCALATION_OFFICER, "Close the concern raised by Salford"),
        ("escalation@demo.gm-first.example", Role.ESCALATION_OFFICER, "Publish the draft learning summary"),
    ],
)
def test_each_party_and_the_officer_has_a_concern_step_to_take(client_request, email, role, asked):
    sign_in(client_request, email, role)
    page = client_request.get_page("/dashboard")
    assert asked in page.text


def test_the_demo_library_has_two_published_summaries_one_named_one_anonymised_and_good_practice(
    client_request, db_session
):
    from covenant_portal.concerns.learning.models import LearningSummary, SummaryKind, SummaryStatus
    from covenant_portal.concerns.learning.service import names_shown
    from covenant_portal.concerns.models import ConcernAction

    every_summary = list(db_session.scalars(select(LearningSummary).order_by(LearningSummary.id)))
    summaries = [summary for summary in every_summary if summary.status is SummaryStatus.PUBLISHED]
    [draft] = [summary for summary in every_summary if summary.status is SummaryStatus.DRAFT]
    assert draft.kind is SummaryKind.GOOD_PRACTICE and draft.concern is None
    from_concerns = [summary for summary in summaries if summary.concern is not None]
    assert [names_shown(summary) for summary in from_concerns] == [False, True]  # Beacon's first, then Bolton's
    assert [summary.kind for summary in summaries if summary.concern is None] == [SummaryKind.GOOD_PRACTICE]
    assert db_session.scalars(select(ConcernAction).where(ConcernAction.done_at.is_not(None))).all()
    sign_in(client_request, "bury.contact@demo.gm-first.example", Role.LA_CONTACT)
    library = client_request.get_page("/learning")
    assert len(library.select("#summaries > li")) == 3
    named = client_request.get_page(f"/learning/{from_concerns[1].id}").text
    assert "Bolton" in named and "Brightwater Children's Homes Ltd" in named
    anonymised = client_request.get_page(f"/learning/{from_concerns[0].id}").text
    assert "Beacon" not in anonymised and "Wigan" not in anonymised and "a local authority" in anonymised
