"""Builders for the expansions tests: a provider, host-LA (Bury) and other-LA (Wigan) contacts,
a filled-in draft, a submitted proposal, all made through the services."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy.orm import Session

from covenant_portal.access import Role
from covenant_portal.accounts.models import User
from covenant_portal.audit.service import SYSTEM
from covenant_portal.expansions.models import ExpansionProposal, NeedsStatement
from covenant_portal.expansions.needs import service as needs
from covenant_portal.expansions.proposals import drafts, submission
from covenant_portal.expansions.triage import service as triage
from covenant_portal.mail.links import Links
from tests.contacts.contacts import name_la_contact
from tests.factories import create_user, local_authority

# Tuesday 6 October 2026, 10:00 London: no bank holiday for ten working days after.
NOW = datetime(2026, 10, 6, 9, 0, tzinfo=UTC)


@dataclass
class People:
    provider: User
    bury: User
    bury_colleague: User
    wigan: User
    admin: User


def people(session: Session) -> People:
    bury = create_user(session, Role.LA_CONTACT, local_authority=local_authority(session, "Bury"))
    colleague = create_user(session, Role.LA_CONTACT, local_authority=local_authority(session, "Bury"))
    wigan = create_user(session, Role.LA_CONTACT, local_authority=local_authority(session, "Wigan"))
    name_la_contact(session, bury, email="bury.placements@council.example")
    name_la_contact(session, wigan, email="wigan.placements@council.example")
    return People(
        provider=create_user(session, Role.PROVIDER),
        bury=bury,
        bury_colleague=colleague,
        wigan=wigan,
        admin=create_user(session, Role.ADMIN),
    )


def links() -> Links:
    return Links.from_app(current_app)


def key():
    return current_app.extensions["signing_key"]


def need_input(session: Session, name: str = "Bury", **overrides) -> needs.NeedInput:
    values = {
        "local_authority_id": local_authority(session, name).id,
        "category": "emotional_behavioural",
        "age_from": "11",
        "age_to": "17",
        "places_wanted": "4",
        "priority": "high",
        "area": "Radcliffe",
        "notes": "Homes close to schools in the borough.",
        "review_on": date(2027, 3, 31),
    } | overrides
    return needs.NeedInput(**values)


def publish_need(session: Session, user: User, now=NOW, **overrides) -> NeedsStatement:
    return needs.publish(session, user, need_input(session, **overrides), SYSTEM, now)


ANSWERS = {
    "service": {
        "title": "Radcliffe House",
        "kind": "new_home",
        "host_la": "E08000002",  # Bury
        "postcode_district": "BL9",
        "category": "emotional_behavioural",
        "needs_served": "Young people with emotional and behavioural difficulties.",
        "places": "3",
        "age_from": "12",
        "age_to": "17",
        "opening_month": "9",
        "opening_year": "2027",
    },
    "registration": {
        "ofsted_stage": "not_applied",
        "ofsted_reference": "",
        "planning": "not_needed",
        "staffing_model": "Two staff by day, one waking night.",
        "fee_from": "4500",
        "fee_to": "5500",
    },
    "need": {"need_id": "none", "why_needed": "Few homes for this age in Bury.", "gm_priority": "GM referrals first."},
    "location": {
        "services_consulted": "Schools, CAMHS and the GP practice.",
        "police_contacted": "Neighbourhood team, who raised no concern.",
        "risks": "Near a busy road: staff accompany young people.",
        "homes_nearby": "One other home within two miles.",
    },
}


def draft(session: Session, user: User, answers=ANSWERS, now=NOW) -> ExpansionProposal:
    proposal = drafts.start_proposal(session, user, SYSTEM, now)
    for section, given in answers.items():
        drafts.save_section(session, proposal, section, given, drafts.seen(proposal, section), user, SYSTEM, now)
    return proposal


def submitted(session: Session, user: User, now=NOW, answers=ANSWERS) -> ExpansionProposal:
    proposal = draft(session, user, answers, now)
    submission.submit(session, links(), key, user, proposal, proposal.draft_lock, SYSTEM, now)
    return proposal


def outcome(session, user, proposal, value="supported", details="", meeting_on=None, now=NOW):
    return triage.record_outcome(
        session, links(), key, user, proposal, triage.OutcomeInput(value, details, meeting_on), SYSTEM, now
    )


@dataclass
class World:
    """For the authorization matrix and the hostile suite: provider A's proposal in Bolton (the LA
    contact's LA), submitted, with a "Discuss further" response (so it is still open and has a
    letter), its draft proposal, and a Bolton need."""

    proposal: ExpansionProposal
    draft: ExpansionProposal
    need: NeedsStatement
    outcome: object
    asked: ExpansionProposal  # submitted, with an information request not yet answered
    full_draft: ExpansionProposal  # every section answered, ready to submit


BOLTON_ANSWERS = {**ANSWERS, "service": {**ANSWERS["service"], "host_la": "E08000001", "postcode_district": "BL1"}}


def expansion_world(session: Session, provider: User, la_contact: User, now=NOW) -> World:
    proposal = submitted(session, provider, now, BOLTON_ANSWERS)
    row = outcome(session, la_contact, proposal, "discuss_further", "", date(2026, 11, 2), now)
    asked = submitted(session, provider, now, BOLTON_ANSWERS)
    triage.request_information(session, links(), la_contact, asked, "How many staff at night?", SYSTEM, now)
    return World(
        proposal=proposal,
        draft=draft(session, provider, {"service": BOLTON_ANSWERS["service"]}, now),
        need=publish_need(session, la_contact, now, name="Bolton"),
        outcome=row,
        asked=asked,
        full_draft=draft(session, provider, BOLTON_ANSWERS, now),
    )
