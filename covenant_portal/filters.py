"""Template filters: times are stored in UTC and shown in Europe/London; sums of money are shown
in pounds with thousands separators ("£4,200")."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

LONDON = ZoneInfo("Europe/London")


def london_day(moment: datetime) -> date:
    """The day it is in London at that moment (deadlines and "today" are London days)."""
    return moment.astimezone(LONDON).date()


def london_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm")


def london_date(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime("%-d %B %Y")


def money(value: int | str | None) -> str:
    """A whole number of pounds as "£4,200" (an int, or digits as typed and stored); anything else
    (nothing, or text that is not a whole number) as it is, never as a wrong sum."""
    if isinstance(value, bool) or value is None:
        return ""
    typed = str(value).strip()
    if not re.fullmatch(r"-?[0-9]+", typed):
        return typed
    pounds = int(typed)
    return f"-£{-pounds:,}" if pounds < 0 else f"£{pounds:,}"


def init_app(app: Flask) -> None:
    app.add_template_filter(london_datetime)
    app.add_template_filter(london_date)
    app.add_template_filter(money)
