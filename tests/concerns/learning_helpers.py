"""A closed concern for the learning library's tests: raised by a provider called Acorn Lodge Care
Ltd (with its home Oak Tree House) about Bolton, taken to its signed closure."""

from covenant_portal.concerns import service
from covenant_portal.concerns.learning.models import Theme
from covenant_portal.concerns.learning.service import SummaryText
from tests.concerns.helpers import LOGGED_AT, about_la, close_concern
from tests.homes.homes import create_home

SUMMARY = SummaryText(
    "Education plans travel with the referral",
    "A referral reached a provider without the young person's education plan.",
    "Check the referral is complete before the move.",
    "The local authority added the plan to its referral checklist.",
    [Theme.REFERRAL_INFORMATION, Theme.EDUCATION],
)


def named_parties(session, parties):
    parties.provider.organisation.name = "Acorn Lodge Care Ltd"
    create_home(session, parties.provider.organisation, name="Oak Tree House")
    session.commit()
    return parties


def closed_concern(session, parties, **overrides):
    concern = service.raise_concern(session, parties.provider, about_la(parties, **overrides), LOGGED_AT)
    close_concern(session, concern, parties, LOGGED_AT)
    return concern


def text(**changes) -> SummaryText:
    values = {**vars(SUMMARY), **changes}
    return SummaryText(**values)


def close_decided_by_officer(session, concern, parties):
    """Takes a concern an officer raised about Bolton to its closure, the officer deciding the resolution."""
    from datetime import date

    from flask import current_app

    from covenant_portal.concerns.models import LearningResponse
    from covenant_portal.concerns.service import LearningDetails

    officer, la_contact, now = parties.officer, parties.la_contact, LOGGED_AT
    service.acknowledge(session, concern, la_contact, now)
    service.propose_resolution(session, concern, la_contact, "Resend the plan.", now)
    service.resolve(session, concern, officer, now, "Fair.")
    service.arrange_learning(session, concern, officer, LearningResponse.HUDDLE, date(2026, 3, 9), "Call", "Both", now)
    service.record_held(session, concern, officer, "Held.", now)
    service.record_learning(session, concern, officer, LearningDetails("Attach the plan.", ""), now)
    return service.close(session, current_app.extensions["signing_key"], concern, officer, now)
