"""The audit trail filter: a GET form, so it can be bookmarked and carries no CSRF token
(it only reads)."""

from datetime import date, datetime, time, timedelta, timezone

from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSelect, GovTextInput
from wtforms import Field, SelectField, StringField
from wtforms.validators import Email, Optional, ValidationError

from covenant_portal.audit.service import AuditFilter
from covenant_portal.audit.vocabulary import AuditVocabulary, action_in_words
from covenant_portal.filters import LONDON
from covenant_portal.web.forms import PortalForm


class DateInput(GovDateInput):
    """The GOV.UK date input, with the field's id on the Day box so that the error summary's link
    puts the cursor in it (the container takes another id)."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params["id"] = f"{field.id}-date-input"
        params["items"][0]["id"] = field.id
        return params


class DayMonthYearField(Field):
    """An optional date typed as day, month and year boxes (all three named like the field).

    Its messages name the field by its label in quotes, so that they read well whether the label
    is a name ("Start date") or a question ("When did it happen?"): "Enter a real date for “When
    did it happen?”"."""

    widget = DateInput()

    def _value(self) -> str:
        return ""  # the three boxes are filled from raw_data, or from data when nothing was typed

    def process_formdata(self, valuelist):
        # Always three parts, so that the page can show back exactly what was typed.
        self.raw_data = (list(valuelist) + ["", "", ""])[:3]
        day, month, year = (part.strip() for part in self.raw_data)
        if not (day or month or year):
            self.data = None
            return
        named = f"“{self.label.text}”"
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValueError(f"Enter the {' and the '.join(missing)} for {named}")
        if len(year) != 4:
            raise ValueError(f"Enter a year with 4 numbers, like 2026, for {named}")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"Enter a real date for {named}") from None


def london_midnight_in_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(timezone.utc)


class AuditFilterForm(PortalForm):
    class Meta:
        csrf = False

    action = SelectField("Action", widget=GovSelect(), validate_choice=False)
    actor_email = StringField(
        "Email address of the person who acted",
        widget=GovTextInput(),
        filters=[lambda value: value.strip() if value else value],
        validators=[
            Optional(),
            Email(message="Enter an email address in the correct format, like name@example.com"),
        ],
    )
    object_type = SelectField("Type of record", widget=GovSelect(), validate_choice=False)
    start_date = DayMonthYearField("Start date", description="For example, 27 3 2026")
    end_date = DayMonthYearField("End date", description="For example, 31 3 2026")

    def validate_action(self, field):
        if field.data and field.data not in dict(field.choices):
            raise ValidationError("Select an action from the list")

    def validate_object_type(self, field):
        if field.data and field.data not in dict(field.choices):
            raise ValidationError("Select a type of record from the list")

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError("End date must be the same as or after the start date")

    def to_filter(self) -> AuditFilter:
        """The filter, with dates read as whole days in Europe/London."""
        start, end = self.start_date.data, self.end_date.data
        return AuditFilter(
            action=self.action.data or "",
            actor_email=self.actor_email.data or "",
            object_type=self.object_type.data or "",
            since=london_midnight_in_utc(start) if start else None,
            until=london_midnight_in_utc(end + timedelta(days=1)) if end else None,
        )


def audit_filter_form(
    formdata, actions: list[str], object_types: list[str], vocabulary: AuditVocabulary
) -> AuditFilterForm:
    form = AuditFilterForm(formdata=formdata)
    form.action.choices = [("", "All actions")] + [(action, action_in_words(vocabulary, action)) for action in actions]
    form.object_type.choices = [("", "All types")] + [(name, name) for name in object_types]
    return form
