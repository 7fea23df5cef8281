"""Template filters: times are stored in UTC and shown in Europe/London."""

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


def init_app(app: Flask) -> None:
    app.add_template_filter(london_datetime)
    app.add_template_filter(london_date)
