"""The job runs filter: a GET form, so it can be bookmarked and carries no CSRF token (it only reads)."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from covenant_portal.jobs.registry import scheduled_jobs
from covenant_portal.web.forms import PortalForm


def job_choices() -> list[SelectChoice]:
    return [SelectChoice("", "All jobs")] + [SelectChoice(job.name) for job in scheduled_jobs()]


class JobRunFilterForm(PortalForm):
    class Meta:
        csrf = False

    job = SelectField("Job", widget=GovSelect(), choices=job_choices, validate_choice=False)

    def validate_job(self, field):
        if field.data and field.data not in {choice.value for choice in job_choices()}:
            raise ValidationError("Select a job from the list")
