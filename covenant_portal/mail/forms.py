"""The mail log filter: a GET form, so it can be bookmarked and carries no CSRF token (it only reads)."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from covenant_portal.mail.models import OutboxStatus
from covenant_portal.mail.service import MailLogFilter
from covenant_portal.web.forms import PortalForm

STATUS_CHOICES = [SelectChoice("", "Any status")] + [
    SelectChoice(status.value, status.value.capitalize()) for status in OutboxStatus
]


class MailLogFilterForm(PortalForm):
    class Meta:
        csrf = False

    status = SelectField("Status", widget=GovSelect(), choices=STATUS_CHOICES, validate_choice=False)
    recipient = StringField(
        "Recipient contains",
        widget=GovTextInput(),
        description="Part of an email address, for example ‘@bolton.gov.uk’",
        filters=[lambda value: value.strip() if value else value],
        validators=[Length(max=320, message="Recipient must be 320 characters or fewer")],
    )

    def validate_status(self, field):
        if field.data and field.data not in {choice.value for choice in STATUS_CHOICES}:
            raise ValidationError("Select a status from the list")

    def to_filter(self) -> MailLogFilter:
        return MailLogFilter(
            status=OutboxStatus(self.status.data) if self.status.data else None, recipient=self.recipient.data or ""
        )
