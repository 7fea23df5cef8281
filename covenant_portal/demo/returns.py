"""The demo's quarterly returns, made as the providers would have made them, through the drafts and
submission services: a colleague fills in each section, the organisation admin signs (sealed in
the ledger, audited, confirmed by email). Each provider sends its returns early or late by its own
habit; the daily chase job (`chase_overdue_returns`, the real one) is run for every day on which
one of its reminders falls, with that day as its as_of, so the reminders and their emails are
exactly those the job would have sent. One return is corrected (version 2 supersedes version 1).

The current quarter: some returns are submitted, some are drafts, some not started; Pennine never
sent last quarter's, which was escalated. A draft or a not-started return exists only until its due
date, so if the current quarter's due date is too near or has passed, the admin extended it (as
admins may, with a reason) before its first reminder; the overdue and escalated states are then on
the quarter before (an unsent return is overdue for fourteen days, then escalated).
"""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from covenant_portal.audit.service import Actor
from covenant_portal.covenant.service import current_version
from covenant_portal.demo.covenant import signatories
from covenant_portal.demo.figures import occupancy, pledge_answer
from covenant_portal.demo.homes import organisation_admin
from covenant_portal.demo.providers import DOMAIN, Now, Provider
from covenant_portal.demo.timeline import Demo, Quarter, at_london
from covenant_portal.returns.calendar.periods import adjust_due_date, next_working_day
from covenant_portal.returns.calendar.service import ensure_periods_saved
from covenant_portal.returns.chasing.service import chase_returns
from covenant_portal.returns.chasing.stages import STAGE_OFFSETS
from covenant_portal.returns.drafts.paths import CONTACTS_PATH, OCCUPANCY_PATH, pledge_path
from covenant_portal.returns.drafts.service import (
    PledgeInput,
    last_signed_submission,
    return_for_period,
    save_contacts,
    save_occupancy,
    save_pledge,
    seen,
    start_return,
)
from covenant_portal.returns.models import QuarterlyReturn, ReturnPeriod
from covenant_portal.returns.submission.document import gm_local_authorities, open_homes
from covenant_portal.returns.submission.service import ReturnSigning, sign_return, start_correction
from covenant_portal.signing.portal_key import portal_key

EXTENSION_REASON = "Extended by agreement of the ten local authorities, after the portal was unavailable for a week."
SUBMITTED_DAYS = (2, 6, 9)  # days after the current quarter's return opened that its senders signed it


def plan_returns(demo: Demo) -> None:
    """The returns area's demo step."""
    if not demo.builds_history:
        return
    calendar = demo.calendar
    for number, provider in enumerate(signatories()):
        for index, quarter in enumerate(calendar.quarters[:-1]):
            offset = provider.exceptions.get(index, provider.habit[index % len(provider.habit)])
            if offset is not None:
                day = quarter.due_on + timedelta(days=offset)
                demo.at(at_london(day, 9), _signed(demo, provider, number, index, day))
        if provider.corrects is not None:
            quarter = calendar.quarters[provider.corrects]
            day = quarter.due_on + timedelta(days=provider.habit[provider.corrects % len(provider.habit)] + 20)
            demo.at(
                at_london(day, 15),
                lambda provider=provider, number=number, day=day: _correct(demo, provider, number, day),
            )
    due_on = _plan_current_due_date(demo)
    _plan_current_quarter(demo)
    _plan_chasing(demo, due_on)


def _period(demo: Demo, quarter: Quarter, day: date) -> ReturnPeriod:
    ensure_periods_saved(demo.session, demo.settings.calendar, day)
    return demo.session.scalar(
        select(ReturnPeriod).filter_by(financial_year=quarter.financial_year, quarter=quarter.quarter)
    )


def _people(demo: Demo, provider: Provider):
    return demo.user(f"{provider.slug}.colleague@{DOMAIN}"), organisation_admin(demo, provider.slug)


def _signed(demo: Demo, provider: Provider, number: int, index: int, day: date):
    def sign_the_return() -> None:
        period = _period(demo, demo.calendar.quarters[index], day)
        colleague, admin = _people(demo, provider)
        found = return_for_period(demo.session, admin.organisation_id, period.id)
        if found is not None and found.submissions:
            return
        started = at_london(day, 9, 15)
        quarterly_return = _started(demo, colleague, period, found, started)
        _fill(demo, quarterly_return, provider, number, index, colleague, started + timedelta(minutes=5))
        _sign(demo, quarterly_return, admin, at_london(day, 11, 30))

    return sign_the_return


def _started(
    demo: Demo,
    user,
    period: ReturnPeriod,
    found: QuarterlyReturn | None,
    when: datetime,
    from_last_quarter: bool = True,
) -> QuarterlyReturn:
    if found is not None:
        return found
    carry = from_last_quarter and last_signed_submission(demo.session, user.organisation_id, period) is not None
    return start_return(demo.session, user.organisation_id, period, carry, user, Actor(user.id), demo.clock(when))


def _fill(
    demo: Demo,
    quarterly_return: QuarterlyReturn,
    provider: Provider,
    number: int,
    index: int,
    user,
    when: datetime,
    sections: int | None = None,
) -> None:
    """Saves the return's sections in order (pledges, occupancy, contacts): all, or the first few."""
    session, actor = demo.session, Actor(user.id)
    pledges = [int(pledge["number"]) for pledge in current_version(session).document["pledges"]]
    steps = [("pledge", pledge) for pledge in pledges] + [("occupancy", None), ("contacts", None)]
    for step, (section, pledge) in enumerate(steps[:sections]):
        moment = demo.clock(when + timedelta(minutes=2 * step))
        if section == "pledge":
            status, narrative = pledge_answer(number, index, pledge)
            save_pledge(
                session,
                quarterly_return,
                pledge,
                PledgeInput(status, narrative),
                seen(quarterly_return, pledge_path(pledge)),
                user,
                actor,
                moment,
            )
        elif section == "occupancy":
            _save_occupancy(demo, quarterly_return, provider, number, index, user, moment)
        else:
            save_contacts(session, quarterly_return, True, seen(quarterly_return, CONTACTS_PATH), user, actor, moment)


def _save_occupancy(
    demo: Demo,
    quarterly_return: QuarterlyReturn,
    provider: Provider,
    number: int,
    index: int,
    user,
    when: datetime,
    correction: bool = False,
) -> None:
    session = demo.session
    codes = [authority.ons_code for authority in gm_local_authorities(session)]
    answers = {}
    for home_number, home in enumerate(open_homes(session, quarterly_return.organisation_id)):
        answer = occupancy(provider, number, home, home_number, index, codes)
        if correction and home_number == 0 and answer.vacant_places:
            # The correction: a child placed by the host LA on the last day of the quarter was missed.
            host = home.host_local_authority.ons_code
            answer = type(answer)(
                {**answer.placed_by, host: answer.placed_by.get(host, 0) + 1},
                answer.placed_outside_gm,
                answer.vacant_places - 1,
                answer.registered_places,
            )
        answers[home.id] = answer
    save_occupancy(
        session, quarterly_return, codes, answers, seen(quarterly_return, OCCUPANCY_PATH), user, Actor(user.id), when
    )


def _sign(demo: Demo, quarterly_return: QuarterlyReturn, admin, when: datetime) -> None:
    signing = ReturnSigning(admin.full_name, admin.job_title, quarterly_return.draft_lock)
    sign_return(
        demo.session,
        demo.settings.links,
        portal_key(),
        admin,
        quarterly_return,
        signing,
        Actor(admin.id),
        demo.clock(when),
    )


def _correct(demo: Demo, provider: Provider, number: int, day: date) -> None:
    index = provider.corrects
    period = _period(demo, demo.calendar.quarters[index], day)
    colleague, admin = _people(demo, provider)
    quarterly_return = return_for_period(demo.session, admin.organisation_id, period.id)
    if quarterly_return is None or not quarterly_return.submissions or len(quarterly_return.submissions) > 1:
        return
    when = at_london(day, 15)
    start_correction(demo.session, quarterly_return, colleague, Actor(colleague.id), when)
    _save_occupancy(
        demo, quarterly_return, provider, number, index, colleague, when + timedelta(minutes=5), correction=True
    )
    _sign(demo, quarterly_return, admin, when + timedelta(minutes=40))


# The current quarter


def _plan_current_due_date(demo: Demo) -> date:
    """The current quarter's due date: as the rules give it, or extended (see the module's note)."""
    current = demo.calendar.current
    if current.due_on >= demo.today + timedelta(days=3):
        return current.due_on
    extended = next_working_day(demo.today + timedelta(days=6))
    when = at_london(current.due_on - timedelta(days=10), 10)

    def extend() -> None:
        period = _period(demo, current, when.date())
        if period.due_adjusted_at is None:
            admin = demo.user(f"admin@{DOMAIN}")
            adjust_due_date(demo.session, period, extended, EXTENSION_REASON, Actor(admin.id), when)

    demo.at(when, extend)
    return extended


def _plan_current_quarter(demo: Demo) -> None:
    current, today = demo.calendar.current, demo.today
    index = len(demo.calendar.quarters) - 1
    senders = 0
    for number, provider in enumerate(signatories()):
        if provider.now == Now.SUBMITTED:
            day = min(current.opens_on + timedelta(days=SUBMITTED_DAYS[senders % len(SUBMITTED_DAYS)]), today)
            senders += 1
            demo.at(at_london(day, 9), _signed(demo, provider, number, index, day))
        elif provider.now == Now.DRAFT:
            day = min(current.opens_on + timedelta(days=4), today)
            demo.at(
                at_london(day, 10),
                lambda provider=provider, number=number, day=day: _draft(demo, provider, number, index, day),
            )


def _draft(demo: Demo, provider: Provider, number: int, index: int, day: date) -> None:
    period = _period(demo, demo.calendar.current, day)
    colleague, _ = _people(demo, provider)
    if return_for_period(demo.session, colleague.organisation_id, period.id) is not None:
        return
    when = at_london(day, 10)
    quarterly_return = _started(demo, colleague, period, None, when, provider.draft_from_last_quarter)
    _fill(
        demo,
        quarterly_return,
        provider,
        number,
        index,
        colleague,
        when + timedelta(minutes=5),
        sections=provider.draft_sections,
    )


# Chasing


def _plan_chasing(demo: Demo, current_due_on: date) -> None:
    """The chase job, run at its scheduled time on each day one of its stages falls (and today): what a daily run
    would have sent, since on other days no stage comes due."""
    due_dates = [quarter.due_on for quarter in demo.calendar.quarters] + [current_due_on]
    days = {due_on + timedelta(days=offset) for due_on in due_dates for offset in STAGE_OFFSETS.values()}
    for day in sorted(day for day in days | {demo.today} if day <= demo.today):
        when = demo.job_time("chase_overdue_returns", day)
        demo.at(
            when,
            lambda when=when: demo.run_job(
                "chase_overdue_returns",
                when,
                lambda as_of: chase_returns(demo.session, demo.settings.calendar, demo.settings.links, as_of),
            ),
        )
