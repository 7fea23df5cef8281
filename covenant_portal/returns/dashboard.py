"""What quarterly returns ask of each person now, led with on their dashboard."""

from datetime import date, datetime

from flask import url_for
from sqlalchemy.orm import Session

from covenant_portal.access import Role
from covenant_portal.accounts.models import User
from covenant_portal.covenant.service import current_version
from covenant_portal.returns.calendar.periods import open_periods
from covenant_portal.filters import london_day
from covenant_portal.returns.compliance import service as compliance
from covenant_portal.returns.drafts.sections import SectionStatus, sections
from covenant_portal.returns.drafts.service import OwedReturn, owed_returns
from covenant_portal.returns.models import ReturnPeriod
from covenant_portal.returns.status import ReturnState
from covenant_portal.web.areas import DashboardAction

LATE = (ReturnState.OVERDUE, ReturnState.ESCALATED)


def returns_actions(session: Session, user: User, now: datetime) -> list[DashboardAction]:
    today = london_day(now)
    if user.role == Role.PROVIDER:
        return [
            action
            for owed in owed_returns(session, user.organisation_id, today)
            if (action := _provider_action(session, owed, today)) is not None
        ]
    if user.role == Role.LA_CONTACT:
        return _late_in_authority(session, user, today)
    return _escalated(session, user)


def _provider_action(session: Session, owed: OwedReturn, today: date) -> DashboardAction | None:
    period = owed.period
    if owed.state == ReturnState.SUBMITTED:
        return None
    href = (
        url_for("returns.task_list", return_id=owed.quarterly_return.id)
        if owed.quarterly_return
        else url_for("returns.returns")
    )
    if owed.state in LATE:
        days = (today - period.due_on).days
        hint = (
            "The local authorities where you have homes and the escalation officers have been told."
            if owed.state == ReturnState.ESCALATED
            else f"It was due on {period.due_on:%-d %B %Y}."
        )
        return DashboardAction(f"Your {period.label} return is {days} day{'' if days == 1 else 's'} late", href, hint)
    if owed.quarterly_return is None or owed.quarterly_return.draft is None:
        return DashboardAction(f"Start your {period.label} return: due {period.due_on:%-d %B %Y}", href)
    version = current_version(session)
    shown = sections(session, owed.quarterly_return, version.document["pledges"] if version else [])
    done = sum(1 for section in shown if section.status == SectionStatus.COMPLETED)
    return DashboardAction(
        f"{period.label} return due {period.due_on:%-d %B %Y}: {done} of {len(shown)} sections done", href
    )


def _late_in_authority(session: Session, user: User, today: date) -> list[DashboardAction]:
    periods = open_periods(session, today)
    if not periods:
        return []
    period = periods[0]
    scope = compliance.scope_for(user)
    counts = compliance.state_counts(session, period, today, scope)
    late = sum(counts[state] for state in LATE)
    # An escalated return of an earlier quarter stays to chase until it is signed: the current
    # quarter's counts alone would hide it.
    earlier = _escalated_before(session, scope, period)
    if not late:
        return earlier
    return [
        DashboardAction(
            f"{late} {period.label} return{'' if late == 1 else 's'} late from providers in {user.local_authority.name}",
            url_for(
                "compliance.table",
                period=period.id,
                state=ReturnState.OVERDUE.value if counts[ReturnState.OVERDUE] else ReturnState.ESCALATED.value,
            ),
            f"{counts[ReturnState.ESCALATED]} of them escalated." if counts[ReturnState.ESCALATED] else "",
        ),
        *earlier,
    ]


def _escalated_before(session: Session, scope: compliance.Scope, current: ReturnPeriod) -> list[DashboardAction]:
    """One action for each earlier quarter with returns escalated and still not signed."""
    by_period: dict[int, list[compliance.EscalatedReturn]] = {}
    for found in compliance.escalated_returns(session, scope):
        if found.period.starts_on < current.starts_on:
            by_period.setdefault(found.period.id, []).append(found)
    actions = []
    for escalated in by_period.values():
        period, count = escalated[0].period, len(escalated)
        names = [found.organisation_name for found in escalated]
        actions.append(
            DashboardAction(
                f"{count} {period.label} return{'' if count == 1 else 's'} escalated and still not sent",
                url_for("compliance.table", period=period.id, state=ReturnState.ESCALATED.value),
                f"Due on {period.due_on:%-d %B %Y}: {', '.join(names[:3])}{' and others' if count > 3 else ''}.",
            )
        )
    return actions


def _escalated(session: Session, user: User) -> list[DashboardAction]:
    escalated = compliance.escalated_returns(session, compliance.scope_for(user))
    if not escalated:
        return []
    names = sorted({found.organisation_name for found in escalated})
    count = len(escalated)
    return [
        DashboardAction(
            f"{count} return{'' if count == 1 else 's'} escalated: {', '.join(names[:3])}{' and others' if len(names) > 3 else ''}",
            url_for("compliance.table", period=escalated[0].period.id, state=ReturnState.ESCALATED.value),
        )
    ]
