"""The observatory's job: a thin wrapper reading the app's settings for the alerts service."""

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from covenant_portal.jobs.registry import DailyAt, Job
from covenant_portal.mail.links import Links
from covenant_portal.observatory.alerts import send_variance_alerts
from covenant_portal.observatory.settings import ObservatorySettings


def observatory_variance_alerts(session: Session, as_of: datetime) -> str:
    settings = ObservatorySettings.from_config(current_app.config)
    return send_variance_alerts(session, settings, Links.from_app(current_app), as_of)


VARIANCE_ALERTS = Job(
    name="observatory_variance_alerts",
    function=observatory_variance_alerts,
    trigger=DailyAt(7, 30),
    description=(
        "After each return deadline, emails host local authorities' named contacts when a provider's "
        "GM share fell by more than OBSERVATORY_ALERT_FALL_POINTS since the quarter before."
    ),
)
