"""Forms for raising a concern and for the messages between its parties."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from covenant_portal.audit.forms import DayMonthYearField
from covenant_portal.concerns.models import Category, Severity, Side
from covenant_portal.concerns.service import ConcernDetails
from covenant_portal.web.forms import PortalForm, strip, textarea_field
from covenant_portal.web.ids import parse_id
from covenant_portal.web.widgets import RadioInput

CATEGORY_LABELS = {
    Category.REFERRAL_INFORMATION: "Referral information",
    Category.PLACEMENT_PLANNING: "Placement planning",
    Category.PLACEMENT_STABILITY: "Placement stability",
    Category.PAPERWORK: "Paperwork",
    Category.EDUCATION: "Education",
    Category.COMMUNICATION: "Communication",
    Category.QUALITY_OF_CARE: "Quality of care",
    Category.SAFEGUARDING_PRACTICE: "Safeguarding practice",
    Category.OTHER: "Other",
}
SEVERITY_LABELS = {Severity.LOW: "Low", Severity.MEDIUM: "Medium", Severity.HIGH: "High"}
CHOOSE_ABOUT = "Select who the concern is about"


class RaiseForm(PortalForm):
    about = SelectField("Who is the concern about?", widget=GovSelect(), choices=[], validate_choice=False)
    category = RadioField(
        "Category",
        widget=RadioInput(),
        choices=[SelectChoice(item.value, label) for item, label in CATEGORY_LABELS.items()],
        validators=[InputRequired(message="Select the category of the concern")],
        invalid_choice_message="Select the category of the concern",
    )
    severity = RadioField(
        "Severity",
        widget=RadioInput(),
        choices=[SelectChoice(item.value, label) for item, label in SEVERITY_LABELS.items()],
        validators=[InputRequired(message="Select how severe the concern is")],
        invalid_choice_message="Select how severe the concern is",
        description="High severity concerns are to be resolved within 5 working days, others within 15.",
    )
    event_on = DayMonthYearField("When did it happen?", description="For example, 27 2 2026")
    description = textarea_field(
        "What happened?", missing="Enter what happened", description="Describe it in general terms, without names."
    )
    done_so_far = TextAreaField(
        "What has been done so far? (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Optional(), Length(max=2000, message="What has been done so far must be 2000 characters or fewer")],
    )
    submit = SubmitField("Raise the concern", widget=GovSubmitInput())

    def __init__(self, parties: list[tuple[str, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.about.choices = [SelectChoice("", "Select")] + [SelectChoice(value, label) for value, label in parties]

    def validate_about(self, field):
        if field.data not in {choice.value for choice in field.choices if choice.value}:
            raise ValidationError(CHOOSE_ABOUT)

    def validate_event_on(self, field):
        if field.data is None:
            raise ValidationError("Enter the date it happened")

    def details(self) -> ConcernDetails:
        side, _, party_id = self.about.data.partition(":")
        return ConcernDetails(
            about_side=Side(side),
            about_id=parse_id(party_id) or 0,
            category=Category(self.category.data),
            severity=Severity(self.severity.data),
            event_on=self.event_on.data or date.min,  # never None once validated (validate_event_on)
            description=self.description.data,
            done_so_far=self.done_so_far.data or "",
        )


class MessageForm(PortalForm):
    message = textarea_field("Message", missing="Enter your message")
    submit = SubmitField("Send message", widget=GovSubmitInput())


class CloseForm(PortalForm):
    submit = SubmitField("Close the concern", widget=GovSubmitInput())
