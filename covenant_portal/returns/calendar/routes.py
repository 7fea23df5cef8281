"""The returns calendar for admins (see and move due dates), and the provider dashboard's word on
late returns (the chasing itself is the chase_overdue_returns job, returns/chasing/service.py)."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from covenant_portal.access import allowed
from covenant_portal.web.forms import add_error
from covenant_portal.access import Role
from covenant_portal.web.views import form_page
from covenant_portal.returns.calendar import service as calendar
from covenant_portal.returns.chasing import service as chasing
from covenant_portal.returns.chasing.emails import long_date
from covenant_portal.returns.calendar import periods
from covenant_portal.returns.calendar.forms import DueDateForm
from covenant_portal.db import get_session, utcnow
from covenant_portal.web import current_actor, found_or_404

blueprint = Blueprint("return_calendar", __name__)


@blueprint.app_template_filter("calendar_date")
def calendar_date(day) -> str:
    """A date (not a time) as GOV.UK writes it: 29 January 2027."""
    return long_date(day) if day else ""


@blueprint.app_context_processor
def inject_late_returns():
    # A function, called only by the provider dashboard, so other pages query nothing.
    def organisation_late_returns():
        return chasing.late_returns(get_session(), current_user.organisation_id, periods.london_day(utcnow()))

    return {"organisation_late_returns": organisation_late_returns}


def _settings() -> calendar.CalendarSettings:
    return calendar.CalendarSettings.from_config(current_app.config)


@blueprint.get("/admin/return-periods")
@allowed(Role.ADMIN)
def return_periods():
    session = get_session()
    all_periods = periods.all_periods(session)  # made at start-up and by the daily chase job
    return render_template(
        "returns/calendar/periods.html",
        periods=list(reversed(all_periods)),
        adjustments=calendar.adjustments(session, all_periods),
        due_days=_settings().due_days,
    )


@blueprint.route("/admin/return-periods/<int:period_id>", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def change_due_date(period_id):
    session = get_session()
    period = found_or_404(periods.period_by_id(session, period_id))
    form = DueDateForm() if request.method == "POST" else DueDateForm(data={"due_on": period.due_on})
    context = {
        "period": period,
        "rule_due_on": periods.default_due_date(period.ends_on, _settings().due_days),
        "adjustment": calendar.adjustments(session, [period]).get(period.id),
    }
    if not form.validate_on_submit():
        return form_page("returns/calendar/change_due_date.html", form, **context)
    if form.due_on.data == period.due_on:
        flash(
            f"The due date of {period.label} is still {calendar_date(period.due_on)}: nothing was changed.", "success"
        )
        return redirect(url_for("return_calendar.return_periods"))
    try:
        periods.adjust_due_date(session, period, form.due_on.data, form.reason.data, current_actor(), utcnow())
    except periods.CalendarError as error:
        add_error(form, "due_on", str(error))
        return form_page("returns/calendar/change_due_date.html", form, **context)
    flash(f"{period.label} is now due on {calendar_date(period.due_on)}.", "success")
    return redirect(url_for("return_calendar.return_periods"))
