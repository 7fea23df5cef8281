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
    service.arrange_learning(session, concern, officer, LearningResponse.HUDDLE, date(2026, 3, 2), "Call", "Both", now)
    service.record_held(session, concern, officer, "Held.", now)
    service.record_learning(session, concern, officer, LearningDetails("Attach the plan.", ""), now)
    return service.close(session, current_app.extensions["signing_key"], concern, officer, now)


def world_learning(session, closed):
    """For the shared test worlds: a published and a draft summary of a closed concern (a
    SimpleNamespace with `concern`, as world_closed_concern makes), and good practice tied to none."""
    from types import SimpleNamespace

    from covenant_portal.access import Role
    from covenant_portal.concerns.learning import service as learning
    from covenant_portal.concerns.learning.models import SummaryKind
    from covenant_portal.concerns.models import Category
    from tests.factories import create_user

    officer = create_user(session, Role.ESCALATION_OFFICER)
    concern = closed.concern
    published = learning.draft_from_concern(session, officer, concern, SummaryKind.LEARNING, SUMMARY, LOGGED_AT)
    learning.publish(session, officer, published, LOGGED_AT)
    draft = learning.draft_from_concern(session, officer, concern, SummaryKind.GOOD_PRACTICE, SUMMARY, LOGGED_AT)
    practice = learning.draft_good_practice(session, officer, Category.QUALITY_OF_CARE, SUMMARY, LOGGED_AT)
    return SimpleNamespace(published=published, draft=draft, practice=practice, action=concern.actions[0])
