"""The observatory's demo step: the variance alerts job, run the morning after each return deadline
that has passed, as a run of the real job (slot claimed, run recorded, dated then, so the admin's job
runs page shows it) doing what the job does (the demo's figures make Medlock's GM share fall by
45 points in the last quarter before the current one: one alert to its host LA's named contact)."""

from datetime import timedelta

from flask import current_app

from covenant_portal.demo.timeline import Demo
from covenant_portal.observatory.alerts import send_variance_alerts
from covenant_portal.observatory.jobs import VARIANCE_ALERTS
from covenant_portal.observatory.settings import ObservatorySettings


def plan_observatory(demo: Demo) -> None:
    if not demo.builds_history:
        return
    settings = ObservatorySettings.from_config(current_app.config)
    for quarter in demo.calendar.quarters[1:]:
        day = quarter.due_on + timedelta(days=1)
        if day <= demo.today:
            when = demo.job_time(VARIANCE_ALERTS.name, day)
            demo.at(
                when,
                lambda when=when: demo.run_job(
                    VARIANCE_ALERTS.name,
                    when,
                    lambda as_of: send_variance_alerts(demo.session, settings, demo.settings.links, as_of),
                ),
            )
