"""Forms for raising a concern and for the messages between its parties."""

from datetime import date, datetime

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from covenant_portal.audit.forms import DayMonthYearField
from covenant_portal.concerns.models import Category, Severity, Side
from covenant_portal.concerns.service import (
    LEARNING_LABELS,
    ActionDetails,
    ConcernDetails,
    LearningDetails,
    event_date_problem,
)
from covenant_portal.concerns.timers import TIMER_LABELS
from covenant_portal.web.forms import PortalForm, strip, text_field, textarea_field, whole_number
from covenant_portal.web.ids import parse_id
from covenant_portal.web.stale import seen_field
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
        "What happened?",
        "Enter what happened",
        called="What happened",
        description="Describe it in general terms, without names.",
    )
    done_so_far = TextAreaField(
        "What has been done so far? (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Optional(), Length(max=2000, message="What has been done so far must be 2000 characters or fewer")],
    )
    submit = SubmitField("Raise the concern", widget=GovSubmitInput())

    def __init__(self, parties: list[tuple[str, str]], now: datetime, *args, **kwargs):
        """`now`: when it is raised, the latest moment it can have happened."""
        super().__init__(*args, **kwargs)
        self.now = now
        self.about.choices = [SelectChoice("", "Select")] + [SelectChoice(value, label) for value, label in parties]

    def validate_about(self, field):
        if field.data not in {choice.value for choice in field.choices if choice.value}:
            raise ValidationError(CHOOSE_ABOUT)

    def validate_event_on(self, field):
        if field.data is None:
            raise ValidationError("Enter the date it happened")
        if problem := event_date_problem(field.data, self.now):
            raise ValidationError(problem)

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


def _choice(label: str, labels: dict, missing: str, **kwargs) -> RadioField:
    """Radios for one of an enum's members, in the order of its labels."""
    return RadioField(
        label,
        widget=RadioInput(),
        choices=[SelectChoice(item.value, words) for item, words in labels.items()],
        validators=[InputRequired(message=missing)],
        invalid_choice_message=missing,
        **kwargs,
    )


def _optional_text(label: str, max_length: int = 2000, called: str | None = None) -> TextAreaField:
    """An optional text; `called` names it in the message when its label is a question."""
    message = f"{called or label.removesuffix(' (optional)')} must be {max_length} characters or fewer"
    return TextAreaField(
        label, widget=GovTextArea(), filters=[strip], validators=[Optional(), Length(max=max_length, message=message)]
    )


class StepForm(PortalForm):
    """A step's form: it carries the version of the concern its page showed (steps.step_version)."""

    seen = seen_field()


class AcknowledgeForm(StepForm):
    note = _optional_text("Anything to add? (optional)", called="Your note")
    submit = SubmitField("Acknowledge the concern", widget=GovSubmitInput())


class ProposeForm(StepForm):
    resolution = textarea_field(
        "What do you propose to resolve it?", "Enter the resolution you propose", called="The resolution you propose"
    )
    submit = SubmitField("Propose the resolution", widget=GovSubmitInput())


class ResolveForm(StepForm):
    reasons = _optional_text("Reasons for your decision", max_length=2000)
    submit = SubmitField("Resolve the concern", widget=GovSubmitInput())


class ArrangeForm(StepForm):
    response = _choice(
        "Learning response",
        LEARNING_LABELS,
        "Select the learning response",
        description="Choose what is proportionate: a short huddle can be enough.",
    )
    on = DayMonthYearField("When will it be held?", description="For example, 9 3 2026")
    meeting_format = text_field(
        "Format",
        missing="Enter the format, for example a video call",
        too_long="Format must be 200 characters or fewer",
    )
    attendees = text_field(
        "Who attends?", missing="Enter who attends", too_long="Who attends must be 200 characters or fewer"
    )
    submit = SubmitField("Arrange the learning response", widget=GovSubmitInput())

    def validate_on(self, field):
        if field.data is None:
            raise ValidationError("Enter the date it will be held")


class HeldForm(StepForm):
    notes = textarea_field("Notes from the learning response", missing="Enter the notes")
    submit = SubmitField("Record it as held", widget=GovSubmitInput())


class LearningForm(StepForm):
    learned = textarea_field("What was learned?", "Enter what was learned", called="What was learned")
    went_well = _optional_text("What went well? (optional)", called="What went well")
    action_1 = _optional_text("Action 1 (optional)", max_length=500)
    owner_1 = _optional_text("Who owns action 1?", max_length=200, called="The owner of action 1")
    due_1 = DayMonthYearField("When is action 1 due?", description="For example, 1 4 2026")
    action_2 = _optional_text("Action 2 (optional)", max_length=500)
    owner_2 = _optional_text("Who owns action 2?", max_length=200, called="The owner of action 2")
    due_2 = DayMonthYearField("When is action 2 due?", description="For example, 1 4 2026")
    submit = SubmitField("Record the learning", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for n in (1, 2):
            if (self[f"action_{n}"].data or "") and not self[f"action_{n}"].errors:
                if not self[f"owner_{n}"].data and not self[f"owner_{n}"].errors:
                    self[f"owner_{n}"].errors = [f"Enter who owns action {n}"]
                    valid = False
                if self[f"due_{n}"].data is None and not self[f"due_{n}"].errors:
                    self[f"due_{n}"].errors = [f"Enter when action {n} is due"]
                    valid = False
        return valid

    def details(self) -> LearningDetails:
        actions = [
            ActionDetails(self[f"action_{n}"].data, self[f"owner_{n}"].data, self[f"due_{n}"].data)
            for n in (1, 2)
            if self[f"action_{n}"].data and self[f"due_{n}"].data is not None
        ]
        return LearningDetails(self.learned.data, self.went_well.data or "", actions)


class ReopenForm(StepForm):
    reason = textarea_field(
        "Why are you reopening it?", "Enter why you are reopening the concern", called="Why you are reopening it"
    )
    submit = SubmitField("Reopen the concern", widget=GovSubmitInput())


class ExtendForm(StepForm):
    timer = _choice("Which deadline?", TIMER_LABELS, "Select the deadline to extend")
    days = StringField("By how many working days?", widget=GovTextInput(), filters=[strip])
    reason = textarea_field(
        "Why are you extending it?", "Enter why you are extending the deadline", called="Why you are extending it"
    )
    submit = SubmitField("Extend the deadline", widget=GovSubmitInput())

    def validate_days(self, field):
        number = whole_number(field.data)
        if number is None or not 1 <= number <= 60:
            raise ValidationError("Enter a whole number of working days between 1 and 60")


class ActionDoneForm(PortalForm):
    note = _optional_text("Anything to add? (optional)", max_length=1000, called="Your note")
    submit = SubmitField("Mark the action done", widget=GovSubmitInput())
