"""The demo's LA side: most LAs signed version 1 three years back, Stockport re-signed version 2,
Oldham and Wigan have not signed (their contacts are asked to); Bury's named contact had a gap.
Everything through the services, so `ledger verify` passes on it."""

import pytest
from sqlalchemy import select

from covenant_portal.access import Role
from covenant_portal.accounts.models import LocalAuthority
from covenant_portal.contacts.figures import named_contact_figures
from covenant_portal.covenant.service.la_signing import every_authority_status
from covenant_portal.db import utcnow
from covenant_portal.demo import PASSWORDS, DemoSettings, seed_demo
from covenant_portal.demo.timeline import DemoCalendar
from tests.seeded_demo import LONG_PAST_DUE
from tests.signing.helpers import run_ledger

pytestmark = pytest.mark.seeded_demo  # seeded once for the run (tests/seeded_demo.py)


def test_the_demo_has_both_sides_of_the_covenant_and_a_named_contact_gap(app, db_session, client_request):
    now = LONG_PAST_DUE  # the day the run's demo was seeded for (seeding again at it adds nothing)
    seed_demo(db_session, DemoSettings.from_app(app), now)
    statuses = {status.authority.name: status.description for status in every_authority_status(db_session)}
    assert statuses["Stockport"] == "Signed version 2"
    assert statuses["Oldham"] == statuses["Wigan"] == "Not signed"
    assert statuses["Bolton"] == "Signed version 1, re-signing needed"
    assert sum(description.startswith("Signed") for description in statuses.values()) == 8
    result = run_ledger(app, "verify")
    assert result.exit_code == 0, result.output
    calendar = DemoCalendar.as_of(now.date(), 28)
    quarter = calendar.quarters[4]
    bury = db_session.scalar(select(LocalAuthority).where(LocalAuthority.name == "Bury"))
    [figure] = [
        figure
        for figure in named_contact_figures(db_session, [(quarter.financial_year, quarter.quarter)])
        if figure.local_authority_id == bury.id
    ]
    assert figure.value == 20  # ended at 17:00 on day 11, named again 21 days later: 20 whole days without
    client_request.post(
        "/sign-in",
        {"email": "wigan.contact@demo.gm-first.example", "password": PASSWORDS[Role.LA_CONTACT]},
        expected_redirect="/dashboard",
    )
    assert "Sign the covenant for Wigan" in client_request.get_page("/dashboard")


def test_seeding_again_signs_nothing_more(app, db_session):
    seed_demo(db_session, DemoSettings.from_app(app), utcnow())
    before = [(s.authority.name, s.description) for s in every_authority_status(db_session)]
    seed_demo(db_session, DemoSettings.from_app(app), utcnow())
    assert [(s.authority.name, s.description) for s in every_authority_status(db_session)] == before
