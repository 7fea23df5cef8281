"""A concern's parties as tests make them: a provider, an LA contact of Bolton, an officer."""

from dataclasses import dataclass
from datetime import date, datetime, timezone

from covenant_portal.access import Role
from covenant_portal.accounts.models import User
from covenant_portal.concerns.models import Category, Severity, Side
from covenant_portal.concerns.service import ConcernDetails
from tests.factories import create_user

# Monday 2 March 2026, 10:00 London (GMT).
LOGGED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


@dataclass
class Parties:
    provider: User
    la_contact: User
    officer: User
    other_provider: User
    other_la_contact: User


def make_parties(session) -> Parties:
    from tests.factories import local_authority

    return Parties(
        provider=create_user(session, Role.PROVIDER),
        la_contact=create_user(session, Role.LA_CONTACT),
        officer=create_user(session, Role.ESCALATION_OFFICER),
        other_provider=create_user(session, Role.PROVIDER),
        other_la_contact=create_user(session, Role.LA_CONTACT, local_authority=local_authority(session, "Wigan")),
    )


def about_provider(parties: Parties, severity: Severity = Severity.MEDIUM, **overrides) -> ConcernDetails:
    values = {
        "about_side": Side.PROVIDER,
        "about_id": parties.provider.organisation_id,
        "category": Category.COMMUNICATION,
        "severity": severity,
        "event_on": date(2026, 2, 27),
        "description": "The home did not tell us about a change of school for three weeks.",
        "done_so_far": "We phoned the registered manager.",
    } | overrides
    return ConcernDetails(**values)


def about_la(parties: Parties, **overrides) -> ConcernDetails:
    values = {
        "about_side": Side.LOCAL_AUTHORITY,
        "about_id": parties.la_contact.local_authority_id,
        "category": Category.REFERRAL_INFORMATION,
        "severity": Severity.HIGH,
        "event_on": date(2026, 2, 27),
        "description": "The referral left out the young person's education plan.",
    } | overrides
    return ConcernDetails(**values)


def world_concern(session, provider: User, la_contact: User, now: datetime):
    """A concern the provider raised about the LA contact's authority (for the shared test worlds)."""
    from covenant_portal.concerns import service

    details = ConcernDetails(
        about_side=Side.LOCAL_AUTHORITY,
        about_id=la_contact.local_authority_id,
        category=Category.REFERRAL_INFORMATION,
        severity=Severity.HIGH,
        event_on=date(2026, 2, 27),
        description="The referral left out the education plan.",
    )
    return service.raise_concern(session, provider, details, now)


def close_concern(session, concern, parties_of, at: datetime):
    """Takes a concern raised by a provider about an LA through every step to its signed closure.
    `parties_of` holds `provider`, `la_contact` and `officer`."""
    from datetime import timedelta

    from flask import current_app

    from covenant_portal.concerns import service
    from covenant_portal.concerns.models import LearningResponse
    from covenant_portal.concerns.service import ActionDetails, LearningDetails

    learning = LearningDetails(
        "Attach the plan.", "Quick reply.", [ActionDetails("Checklist", "Team", date(2026, 4, 1))]
    )
    steps = [
        lambda when: service.acknowledge(session, concern, parties_of.la_contact, when),
        lambda when: service.propose_resolution(session, concern, parties_of.la_contact, "Resend the plan.", when),
        lambda when: service.resolve(session, concern, parties_of.provider, when),
        lambda when: service.arrange_learning(
            session,
            concern,
            parties_of.officer,
            LearningResponse.AFTER_ACTION_REVIEW,
            at.date(),  # held later that day
            "Call",
            "Both",
            when,
        ),
        lambda when: service.record_held(session, concern, parties_of.officer, "Held.", when),
        lambda when: service.record_learning(session, concern, parties_of.officer, learning, when),
    ]
    for n, step in enumerate(steps, 1):
        step(at + timedelta(hours=n))
    key = current_app.extensions["signing_key"]
    return service.close(session, key, concern, parties_of.officer, at + timedelta(hours=9))


def world_closed_concern(session, provider: User, la_contact: User, now: datetime):
    """A concern the provider raised about the LA contact's authority, taken to its signed closure."""
    from types import SimpleNamespace

    concern = world_concern(session, provider, la_contact, now)
    officer = create_user(session, Role.ESCALATION_OFFICER)
    closure = close_concern(
        session, concern, SimpleNamespace(provider=provider, la_contact=la_contact, officer=officer), now
    )
    return SimpleNamespace(concern=concern, closure=closure)


def world_concern_stages(session, provider: User, la_contact: User, now: datetime):
    """Concerns the provider raised about the LA contact's authority, one stopped at each stage
    between acknowledged and learning recorded (for the shared test worlds' step pages and closing)."""
    from types import SimpleNamespace

    from covenant_portal.concerns import service
    from covenant_portal.concerns.models import LearningResponse
    from covenant_portal.concerns.service import LearningDetails

    officer = create_user(session, Role.ESCALATION_OFFICER)
    steps = [
        ("acknowledged", lambda c: service.acknowledge(session, c, la_contact, now)),
        ("proposed", lambda c: service.propose_resolution(session, c, la_contact, "Resend the plan.", now)),
        ("resolved", lambda c: service.resolve(session, c, provider, now)),
        (
            "arranged",
            lambda c: service.arrange_learning(
                session, c, officer, LearningResponse.HUDDLE, date(2026, 3, 9), "Call", "Both", now
            ),
        ),
        ("held", lambda c: service.record_held(session, c, officer, "Held.", now)),
        (
            "recorded",
            lambda c: service.record_learning(session, c, officer, LearningDetails("Attach the plan.", ""), now),
        ),
    ]
    stages = {}
    for count, (name, _step) in enumerate(steps, 1):
        concern = world_concern(session, provider, la_contact, now)
        for _name, step in steps[:count]:
            step(concern)
        stages[name] = concern
    return SimpleNamespace(**stages)
