"""The admin's form for moving a return period's due date."""

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from covenant_portal.audit.forms import DayMonthYearField
from covenant_portal.web.forms import PortalForm, textarea_field

REASON_MAX_LENGTH = 1000


class DueDateForm(PortalForm):
    due_on = DayMonthYearField("New due date", description="For example, 12 2 2027")
    reason = textarea_field(
        "Reason for the change",
        "Say why the due date is changing",
        max_length=REASON_MAX_LENGTH,
        description="Admins see it in the calendar, for example: "
        "“The portal was unavailable for two days before the due date.”",
    )
    submit = SubmitField("Change due date", widget=GovSubmitInput())

    def validate_due_on(self, field):
        if field.data is None and not field.errors:
            raise ValidationError("Enter the new due date")
