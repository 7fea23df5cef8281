"""The demo's concerns (issue 13), made through the concerns services on the demo's timeline, in
the weeks before today: one at every stage of the lifecycle — two logged this week waiting to be
acknowledged (Bury and Brightwater each have one to acknowledge), one logged weeks ago and never
acknowledged (its deadline missed: first on the officers' panel), acknowledged, resolution
proposed, resolved by the raiser agreeing, resolved by an officer's decision with the learning
arranged, learning held, learning recorded (the officer is asked to close it), closed with its
signed closure record (two: one's learning is published with both parties' names, the other's
anonymised, demo/learning.py), and one reopened by an officer after it was resolved.

Made only with the demo's history (`Demo.builds_history`), so running seed-demo twice changes nothing."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from covenant_portal.accounts.models import LocalAuthority, User
from covenant_portal.concerns import service
from covenant_portal.concerns.jobs import chase_concerns
from covenant_portal.concerns.models import Category, LearningResponse, Severity, Side
from covenant_portal.concerns.service import ActionDetails, ConcernDetails, LearningDetails
from covenant_portal.demo.learning import plan_learning
from covenant_portal.demo.providers import DOMAIN
from covenant_portal.demo.timeline import Demo, at_london
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.signing.service import with_current_key

OFFICER = f"escalation@{DOMAIN}"


@dataclass(frozen=True)
class Plan:
    raiser: str  # an email, or "officer"
    about: str  # "provider:<slug>" or "la:<name>"
    category: Category
    severity: Severity
    description: str
    logged_days_ago: int
    steps: tuple[tuple[int, str], ...] = ()  # (days ago, step)
    key: str = ""  # how the learning library's demo (demo/learning.py) finds it


PLANS = (
    Plan(
        "brightwater.admin",
        "la:Bury",
        Category.REFERRAL_INFORMATION,
        Severity.HIGH,
        "The referral did not include the young person's current education plan.",
        1,
    ),
    Plan(
        "bury.contact",
        "provider:brightwater",
        Category.COMMUNICATION,
        Severity.MEDIUM,
        "We were not told about a change of school for three weeks.",
        2,
    ),
    Plan(
        "hollins.admin",
        "la:Rochdale",
        Category.PAPERWORK,
        Severity.HIGH,
        "The placement plan arrived two weeks after the young person moved in.",
        20,
    ),
    Plan(
        "kestrel.admin",
        "la:Oldham",
        Category.PLACEMENT_PLANNING,
        Severity.MEDIUM,
        "The planning meeting was cancelled twice at short notice.",
        6,
        ((5, "acknowledge"),),
    ),
    Plan(
        "manchester.contact",
        "provider:hollins",
        Category.PAPERWORK,
        Severity.LOW,
        "Monthly reports for the quarter were sent late.",
        10,
        ((9, "acknowledge"), (7, "propose")),
    ),
    Plan(
        "tame.admin",
        "la:Stockport",
        Category.EDUCATION,
        Severity.MEDIUM,
        "A school place was not arranged before the move.",
        16,
        ((15, "acknowledge"), (13, "propose"), (11, "resolve")),
    ),
    Plan(
        "officer",
        "provider:medlock",
        Category.QUALITY_OF_CARE,
        Severity.HIGH,
        "Staff turnover meant no key worker for a month.",
        24,
        ((23, "acknowledge"), (21, "propose"), (19, "decide"), (17, "arrange")),
    ),
    Plan(
        "bolton.contact",
        "provider:brightwater",
        Category.PLACEMENT_STABILITY,
        Severity.MEDIUM,
        "Notice was given on a placement without a disruption meeting.",
        30,
        ((29, "acknowledge"), (27, "propose"), (25, "resolve"), (22, "arrange"), (18, "held")),
    ),
    Plan(
        "salford.contact",
        "provider:kestrel",
        Category.COMMUNICATION,
        Severity.LOW,
        "Messages to the home went unanswered over a bank holiday weekend.",
        40,
        ((39, "acknowledge"), (37, "propose"), (35, "resolve"), (32, "arrange"), (28, "held"), (26, "learning")),
    ),
    Plan(
        "brightwater.admin",
        "la:Bolton",
        Category.REFERRAL_INFORMATION,
        Severity.MEDIUM,
        "The referral left out the health assessment.",
        60,
        (
            (59, "acknowledge"),
            (57, "propose"),
            (55, "resolve"),
            (52, "arrange"),
            (48, "held"),
            (46, "learning"),
            (45, "close"),
        ),
        key="bolton-referral",
    ),
    Plan(
        "tame.admin",
        "la:Trafford",
        Category.SAFEGUARDING_PRACTICE,
        Severity.HIGH,
        "A return-home interview was not offered after a missing episode.",
        14,
        ((13, "acknowledge"), (12, "propose"), (11, "resolve"), (8, "reopen"), (6, "propose")),
    ),
    Plan(
        "wigan.contact",
        "provider:beacon",
        Category.COMMUNICATION,
        Severity.MEDIUM,
        "A change to family time arrangements was not passed on to the home for a week.",
        80,
        (
            (79, "acknowledge"),
            (77, "propose"),
            (75, "resolve"),
            (72, "arrange"),
            (69, "held"),
            (67, "learning"),
            (65, "close"),
        ),
        key="beacon-family-time",
    ),
)


def plan_concerns(demo: Demo) -> None:
    """The concerns area's demo step."""
    if not demo.builds_history:
        return
    states = {}
    for number, plan in enumerate(PLANS):
        state = _schedule(demo, plan, number)
        if plan.key:
            states[plan.key] = state
    plan_learning(demo, states)
    # This morning's run of the daily job, at its scheduled time (so the admin's job runs page
    # shows it, and the duties the demo leaves broken, such as a return escalated as long overdue,
    # already have the concerns the scheduler's first run would otherwise raise all at once).
    when = demo.job_time("chase_concerns", demo.today)
    demo.at(when, lambda: demo.run_job("chase_concerns", when, lambda as_of: chase_concerns(demo.session, as_of)))


def _user(demo: Demo, who: str) -> User:
    user = demo.user(OFFICER if who == "officer" else f"{who}@{DOMAIN}")
    assert user is not None, who
    return user


def _details(demo: Demo, plan: Plan, logged_on: date) -> ConcernDetails:
    kind, _, name = plan.about.partition(":")
    if kind == "la":
        found = demo.session.scalar(select(LocalAuthority.id).where(LocalAuthority.name == name))
        side, about_id = Side.LOCAL_AUTHORITY, found
    else:
        side, about_id = Side.PROVIDER, _user(demo, f"{name}.admin").organisation_id
    assert about_id is not None, plan.about
    return ConcernDetails(side, about_id, plan.category, plan.severity, logged_on - timedelta(days=3), plan.description)


def _about_user(demo: Demo, plan: Plan) -> User:
    kind, _, name = plan.about.partition(":")
    return _user(demo, f"{name.lower()}.contact" if kind == "la" else f"{name}.admin")


def _schedule(demo: Demo, plan: Plan, number: int) -> dict:
    """Schedules the plan's concern and its steps; the dict holds the concern once it is logged."""
    today, state = demo.today, {}

    def when(days_ago: int, hour: int):
        return demo.clock(at_london(today - timedelta(days=days_ago), hour, number))

    def log() -> None:
        moment = when(plan.logged_days_ago, 10)
        details = _details(demo, plan, today - timedelta(days=plan.logged_days_ago))
        state["concern"] = service.raise_concern(demo.session, _user(demo, plan.raiser), details, moment)

    demo.at(when(plan.logged_days_ago, 10), log)
    for days_ago, step in plan.steps:
        demo.at(when(days_ago, 14), _step(demo, plan, state, step, lambda d=days_ago: when(d, 14)))
    return state


def _step(demo: Demo, plan: Plan, state: dict, step: str, moment):
    def act() -> None:
        session, concern, now = demo.session, state["concern"], moment()
        about, raiser, officer = _about_user(demo, plan), _user(demo, plan.raiser), _user(demo, "officer")
        if step == "acknowledge":
            service.acknowledge(session, concern, about, now, "Thank you: we are looking into it.")
        elif step == "propose":
            service.propose_resolution(session, concern, about, "We have changed our checklist and will call.", now)
        elif step == "resolve":
            service.resolve(session, concern, raiser if plan.raiser != "officer" else officer, now, "Agreed.")
        elif step == "decide":
            service.resolve(session, concern, officer, now, "The proposal meets the covenant's pledge.")
        elif step == "arrange":
            day = now.date() + timedelta(days=3)
            # proportionate: an after-action review for a high-severity concern, else a short huddle
            response = (
                LearningResponse.AFTER_ACTION_REVIEW if plan.severity is Severity.HIGH else LearningResponse.HUDDLE
            )
            service.arrange_learning(session, concern, officer, response, day, "Video call", "Both teams", now)
        elif step == "held":
            service.record_held(session, concern, about, "Both sides went through what happened and why.", now)
        elif step == "learning":
            actions = [
                ActionDetails("Add the item to the referral checklist", "Team manager", now.date() + timedelta(days=30))
            ]
            learning = LearningDetails(
                "Check the referral is complete before the move.", "A quick first reply.", actions
            )
            service.record_learning(session, concern, officer, learning, now)
        elif step == "close":
            with_current_key(portal_key, lambda key: service.close(session, key, concern, officer, now))
        elif step == "reopen":
            service.reopen(session, concern, officer, "The agreed interview has still not been offered.", now)

    return act
