"""The demo's planned expansions (issue 12), made through the expansions services on the demo's
timeline, in the weeks before today: needs statements from six LAs (one past its review date), and
proposals at every stage — a draft, one awaiting a first response (Bury has it to triage), one with
information requested (Bolton waits for Brightwater's answer), each outcome, one withdrawn and one
revised (version 2 supersedes version 1) — with comments from other LAs and messages; the daily
chase job run, as the scheduler would have, on each day it had a reminder or escalation to send.

Made only with the demo's history (`Demo.builds_history`), so running seed-demo twice changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from covenant_portal.accounts.models import LocalAuthority, User
from covenant_portal.audit.service import Actor
from covenant_portal.demo.providers import DOMAIN
from covenant_portal.demo.timeline import Demo, at_london
from covenant_portal.filters import london_day
from covenant_portal.expansions.chasing import service as chasing
from covenant_portal.expansions.models import ExpansionProposal, NeedsStatement
from covenant_portal.expansions.needs import service as needs
from covenant_portal.expansions.proposals import drafts, submission
from covenant_portal.expansions.triage import service as triage
from covenant_portal.signing.portal_key import portal_key

NEEDS = (
    # (LA, category, ages, places, priority, area, notes, days until review; negative: passed)
    (
        "Bury",
        "emotional_behavioural",
        (11, 17),
        4,
        "high",
        "Radcliffe",
        "Small homes near schools in the borough.",
        120,
    ),
    ("Bury", "sole_occupancy", (13, 17), 2, "medium", "", "Solo placements with a step-down plan.", -12),
    ("Bolton", "disabilities", (8, 17), 3, "high", "Farnworth", "Short breaks and long-term places.", 200),
    ("Manchester", "mental_health", (12, 17), 6, "high", "", "Complex care with CAMHS in-reach.", 160),
    ("Oldham", "parent_and_child", (16, 25), 2, "medium", "", "Parent and child assessment places.", 90),
    ("Stockport", "supported_16_17", (16, 17), 5, "low", "Edgeley", "Supported accommodation for care leavers.", 60),
)


@dataclass(frozen=True)
class Plan:
    slug: str  # the provider organisation (demo accounts `<slug>.admin@…`)
    title: str
    host: str
    district: str
    category: str
    submitted_days_ago: int | None  # None: a draft never submitted
    steps: tuple = field(default_factory=tuple)  # (days ago, what, detail)
    kind: str = "new_home"
    places: int = 3


PLANS = (
    Plan("hollins", "Moorside Lodge", "Tameside", "SK15", "emotional_behavioural", None),
    Plan("brightwater", "Radcliffe House", "Bury", "BL9", "emotional_behavioural", 4),
    Plan(
        "brightwater",
        "Farnworth Short Breaks",
        "Bolton",
        "BL4",
        "disabilities",
        12,
        ((10, "take", ""), (8, "ask", "How will the home meet the sensory needs of the children it plans for?")),
    ),
    Plan(
        "hollins",
        "Hollins Brook Annex",
        "Manchester",
        "M40",
        "mental_health",
        45,
        ((40, "comment", "Salford"), (37, "outcome", "supported")),
        kind="more_places",
        places=2,
    ),
    Plan(
        "brightwater",
        "Whitefield View",
        "Bury",
        "M45",
        "emotional_behavioural",
        38,
        (
            (37, "take", ""),
            (36, "ask", "What is the staffing at night at weekends?"),
            (34, "answer", "One waking night and one sleeping in."),
            (33, "comment", "Bolton"),
            (30, "outcome", "supported_with_conditions"),
        ),
    ),
    Plan(
        "kestrel",
        "Chadderton Parent and Child",
        "Oldham",
        "OL9",
        "parent_and_child",
        55,
        ((48, "outcome", "supported_urgent_need"),),
        kind="new_service_type",
        places=2,
    ),
    Plan(
        "tame",
        "Hazel Grove House",
        "Stockport",
        "SK7",
        "sole_occupancy",
        65,
        ((60, "message", "Could you say more about the location assessment?"), (55, "outcome", "not_supported")),
        places=1,
    ),
    Plan(
        "medlock",
        "Eccles Supported Flats",
        "Salford",
        "M30",
        "supported_16_17",
        24,
        ((20, "outcome", "discuss_further"),),
        kind="multi_building",
        places=4,
    ),
    Plan("kestrel", "Heywood Cottage", "Rochdale", "OL10", "emotional_behavioural", 33, ((27, "withdraw", ""),)),
    Plan(
        "tame",
        "Sale Moor House",
        "Trafford",
        "M33",
        "disabilities",
        28,
        ((26, "provider_message", "We have found a second property nearby."), (22, "revise", "")),
    ),
)

OUTCOME_DETAILS = {
    "supported": "",
    "supported_with_conditions": "Places offered to Greater Manchester local authorities first; a review after six months.",
    "supported_urgent_need": "Meets the borough's identified urgent need for parent and child places.",
    "not_supported": "Location risk: the district has three homes within a mile and a history of exploitation concerns.",
    "discuss_further": "",
}


def plan_expansions(demo: Demo) -> None:
    """The expansions area's demo step."""
    if not demo.builds_history:
        return
    today = demo.today
    demo.at(at_london(today - timedelta(days=90), 10), lambda: _publish_needs(demo, today))
    for number, plan in enumerate(PLANS):
        _schedule(demo, plan, number, today)
    _plan_chasing(demo, today)


def _plan_chasing(demo: Demo, today: date) -> None:
    """The chase job (`chase_expansion_responses`, the real one), run at its scheduled time on each day from
    the first proposal's submission on which it had something to send (and today): what a daily run
    would have sent, since on other days nothing comes due. Each run is recorded, dated then."""
    first = max(plan.submitted_days_ago for plan in PLANS if plan.submitted_days_ago is not None)
    for days_ago in range(first, -1, -1):
        when = demo.job_time("chase_expansion_responses", today - timedelta(days=days_ago))
        demo.at(when, lambda when=when, days_ago=days_ago: _chase(demo, when, every_day=days_ago == 0))


def _chase(demo: Demo, when, every_day: bool) -> None:
    if not every_day and not chasing.due_on(demo.session, london_day(when)):
        return
    demo.run_job(
        "chase_expansion_responses",
        when,
        lambda as_of: chasing.chase(demo.session, demo.settings.links, as_of),
    )


def _user(demo: Demo, email: str) -> User:
    user = demo.user(email)
    assert user is not None, email
    return user


def _contact(demo: Demo, authority: str) -> User:
    return _user(demo, f"{authority.lower().replace(' ', '-')}.contact@{DOMAIN}")


def _authority(demo: Demo, name: str) -> LocalAuthority:
    found = demo.session.scalar(select(LocalAuthority).where(LocalAuthority.name == name))
    assert found is not None, name
    return found


def _publish_needs(demo: Demo, today: date) -> None:
    for name, category, (low, high), places, priority, area, notes, review in NEEDS:
        contact = _contact(demo, name)
        typed = needs.NeedInput(
            _authority(demo, name).id,
            category,
            str(low),
            str(high),
            str(places),
            priority,
            area,
            notes,
            today + timedelta(days=review),
        )
        needs.publish(
            demo.session, contact, typed, Actor(contact.id), demo.clock(at_london(today - timedelta(days=90), 10))
        )


def _answers(demo: Demo, plan: Plan) -> dict:
    authority = _authority(demo, plan.host)
    need = demo.session.scalar(
        select(NeedsStatement.id).where(
            NeedsStatement.local_authority_id == authority.id, NeedsStatement.category == plan.category
        )
    )
    return {
        "service": {
            "title": plan.title,
            "kind": plan.kind,
            "host_la": authority.ons_code,
            "postcode_district": plan.district,
            "category": plan.category,
            "needs_served": "Children and young people whose needs are set out in the Statement of Purpose.",
            "places": str(plan.places),
            "age_from": "12",
            "age_to": "17",
            "opening_month": "9",
            "opening_year": str(demo.today.year + 1),
        },
        "registration": {
            "ofsted_stage": "not_applied",
            "ofsted_reference": "",
            "planning": "applied",
            "staffing_model": "A registered manager, a deputy and a team of eight; two staff by day and one waking night.",
            "fee_from": "4200",
            "fee_to": "5600",
        },
        "need": {
            "need_id": str(need) if need else "none",
            "why_needed": "" if need else "Few homes of this kind in the borough; children are placed far away.",
            "gm_priority": "Referrals from the ten Greater Manchester local authorities are considered first.",
        },
        "location": {
            "services_consulted": "Schools, the GP practice, CAMHS and the virtual school.",
            "police_contacted": "The neighbourhood policing team, who raised no concern.",
            "risks": "A main road nearby: staff accompany younger children; a safety plan for each young person.",
            "homes_nearby": "One other children's home within two miles.",
        },
    }


def _schedule(demo: Demo, plan: Plan, number: int, today: date) -> None:
    def when(days_ago: int, hour: int = 11):
        return demo.clock(at_london(today - timedelta(days=days_ago), hour, number))

    state: dict = {}
    started = (plan.submitted_days_ago or 2) + 1
    demo.at(
        when(started, 9),
        lambda: state.update(proposal=_draft(demo, plan, when(started, 9), full=plan.submitted_days_ago is not None)),
    )
    if plan.submitted_days_ago is not None:
        demo.at(
            when(plan.submitted_days_ago), lambda: _submit(demo, plan, state["proposal"], when(plan.submitted_days_ago))
        )
    for days_ago, what, detail in plan.steps:
        demo.at(when(days_ago, 14), _step(demo, plan, state, what, detail, when(days_ago, 14)))


def _step(demo: Demo, plan: Plan, state: dict, what: str, detail: str, now) -> Callable[[], None]:
    def act() -> None:
        session, links, proposal = demo.session, demo.settings.links, state["proposal"]
        provider = _user(demo, f"{plan.slug}.admin@{DOMAIN}")
        host = _contact(demo, plan.host)
        if what == "take":
            triage.take(session, host, proposal, Actor(host.id), now)
        elif what == "ask":
            triage.request_information(session, links, host, proposal, detail, Actor(host.id), now)
        elif what == "answer":
            triage.answer_information(session, links, provider, proposal, detail, Actor(provider.id), now)
        elif what == "comment":
            other = _contact(demo, detail)
            triage.post_message(
                session, links, other, proposal, "We have children who would need this service.", Actor(other.id), now
            )
        elif what == "message":
            triage.post_message(session, links, host, proposal, detail, Actor(host.id), now)
        elif what == "provider_message":
            triage.post_message(session, links, provider, proposal, detail, Actor(provider.id), now)
        elif what == "outcome":
            meeting = demo.today + timedelta(days=10) if detail == "discuss_further" else None
            typed = triage.OutcomeInput(detail, OUTCOME_DETAILS[detail], meeting)
            triage.record_outcome(session, links, portal_key, host, proposal, typed, Actor(host.id), now)
        elif what == "withdraw":
            submission.withdraw(session, provider, proposal, Actor(provider.id), now)
        elif what == "revise":
            submission.start_revision(session, provider, proposal, Actor(provider.id), now)
            service = {**proposal.draft["service"], "places": str(plan.places + 1)}
            drafts.save_section(
                session,
                proposal,
                "service",
                service,
                drafts.seen(proposal, "service"),
                provider,
                Actor(provider.id),
                now,
            )
            submission.submit(
                session, links, portal_key, provider, proposal, proposal.draft_lock, Actor(provider.id), now
            )

    return act


def _draft(demo: Demo, plan: Plan, now, full: bool) -> ExpansionProposal:
    provider = _user(demo, f"{plan.slug}.admin@{DOMAIN}")
    proposal = drafts.start_proposal(demo.session, provider, Actor(provider.id), now)
    answers = _answers(demo, plan)
    for section in answers if full else ("service", "registration"):
        drafts.save_section(
            demo.session,
            proposal,
            section,
            answers[section],
            drafts.seen(proposal, section),
            provider,
            Actor(provider.id),
            now,
        )
    return proposal


def _submit(demo: Demo, plan: Plan, proposal: ExpansionProposal, now) -> None:
    provider = _user(demo, f"{plan.slug}.admin@{DOMAIN}")
    submission.submit(
        demo.session, demo.settings.links, portal_key, provider, proposal, proposal.draft_lock, Actor(provider.id), now
    )
