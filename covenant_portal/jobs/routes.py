"""Job runs, for portal administrators: what the scheduled jobs did, and which failed."""

from flask import Blueprint, render_template, request

from covenant_portal.access import allowed
from covenant_portal.access import Role
from covenant_portal.db import get_session
from covenant_portal.jobs import service
from covenant_portal.jobs.forms import JobRunFilterForm
from covenant_portal.jobs.registry import scheduled_jobs

blueprint = Blueprint("jobs", __name__)


@blueprint.get("/admin/job-runs")
@allowed(Role.ADMIN)
def runs():
    session = get_session()
    form = JobRunFilterForm(formdata=request.args)
    jobs = scheduled_jobs()
    page = {
        "form": form,
        "jobs": jobs,
        "last_runs": service.last_run_by_job(session, jobs),
        "limit": service.JOB_RUNS_LIMIT,
    }
    if not form.validate():
        return render_template("admin/job_runs.html", runs=None, **page), 400
    runs = service.recent_runs(session, form.job.data or "")
    return render_template("admin/job_runs.html", runs=runs, groups=service.grouped_runs(runs), **page)
