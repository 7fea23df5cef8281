"""Issue 13: concern figures for each LA's side of the covenant (Area.la_pledge_figures)."""

from datetime import timedelta

from covenant_portal.web import duties
from covenant_portal.concerns import service
from covenant_portal.concerns.figures import ACKNOWLEDGEMENT, RESOLUTION, la_concern_figures, quarter_of
from tests.concerns.helpers import LOGGED_AT, about_la, make_parties


def figures(session, authority_id, quarter):
    return {
        figure.measure: figure
        for figure in la_concern_figures(session, [quarter])
        if figure.local_authority_id == authority_id
    }


def test_quarters_are_financial_years():
    assert quarter_of(LOGGED_AT.date()) == (2025, 4)
    assert quarter_of(LOGGED_AT.date().replace(month=4, day=1)) == (2026, 1)


def test_median_acknowledgement_and_resolution_in_time(app, db_session):
    parties = make_parties(db_session)
    bolton = parties.la_contact.local_authority_id
    assert {figure.value for figure in figures(db_session, bolton, (2025, 4)).values()} == {None}
    on_time = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)  # high: 5 days
    late = service.raise_concern(db_session, parties.provider, about_la(parties), LOGGED_AT)
    for concern, days in ((on_time, 1), (late, 3)):
        service.acknowledge(db_session, concern, parties.la_contact, LOGGED_AT + timedelta(days=days))
        service.propose_resolution(db_session, concern, parties.la_contact, "Resend.", LOGGED_AT + timedelta(days=days))
    service.resolve(db_session, on_time, parties.provider, LOGGED_AT + timedelta(days=2))
    service.resolve(db_session, late, parties.provider, LOGGED_AT + timedelta(days=14))

    found = figures(db_session, bolton, (2025, 4))
    assert found[ACKNOWLEDGEMENT].value == 2.0 and found[ACKNOWLEDGEMENT].target == 2.0
    assert found[RESOLUTION].value == 50.0 and found[RESOLUTION].higher_is_better
    with app.app_context():
        assert any(figure.measure == RESOLUTION for figure in duties.la_pledge_figures(db_session, [(2025, 4)]))
