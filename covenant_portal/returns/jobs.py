"""The returns area's jobs and start-up step: thin wrappers, like routes, that read the app's settings
and hand them to the services (which take them as arguments)."""

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from covenant_portal.filters import london_day
from covenant_portal.returns.calendar.service import CalendarSettings, ensure_periods_saved
from covenant_portal.mail.links import Links
from covenant_portal.returns.chasing.service import chase_returns


def chase_overdue_returns(session: Session, as_of: datetime) -> str:
    """The chase_overdue_returns job: makes the periods up to as_of's London day, then sends the
    reminders and escalations due on it."""
    return chase_returns(session, CalendarSettings.from_config(current_app.config), Links.from_app(current_app), as_of)


def make_return_periods(session: Session, now: datetime) -> str:
    """At start-up: the return periods up to today, so no page has to make them."""
    made = ensure_periods_saved(session, CalendarSettings.from_config(current_app.config), london_day(now))
    return f"Return periods: {len(made)}."
