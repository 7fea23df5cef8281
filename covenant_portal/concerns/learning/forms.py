"""Forms of the learning library: an officer's summary, publishing it, a party's agreement to show
names, and the library's filters."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from covenant_portal.concerns.forms import CATEGORY_LABELS
from covenant_portal.concerns.learning.models import SummaryKind, Theme
from covenant_portal.concerns.learning.service import SummaryText
from covenant_portal.concerns.models import Category
from covenant_portal.web.forms import PortalForm, strip, text_field, textarea_field
from covenant_portal.web.stale import seen_field
from covenant_portal.web.widgets import CheckboxesInput, RadioInput

THEME_LABELS = {
    Theme.COMMUNICATION_BETWEEN_AGENCIES: "Communication between agencies",
    Theme.REFERRAL_INFORMATION: "Referral information",
    Theme.PLACEMENT_MATCHING: "Placement matching",
    Theme.TRANSITIONS: "Transitions and moves",
    Theme.EDUCATION: "Education",
    Theme.HEALTH: "Health and wellbeing",
    Theme.SAFEGUARDING_PRACTICE: "Safeguarding practice",
    Theme.PAPERWORK: "Paperwork and records",
    Theme.VOICE_OF_THE_CHILD: "Voice of the child",
    Theme.GOOD_PRACTICE: "Good practice",
}
KIND_LABELS = {
    SummaryKind.LEARNING: "Learning from the concern",
    SummaryKind.GOOD_PRACTICE: "Good practice: good care that could be learned from",
}
NO_NAMES = "Write in general terms: “a provider”, “a children’s home”, “a local authority”."


# Made before SummaryForm's fields so that each comes first in its form, as on the page: WTForms
# orders a form's fields by when they were made, and the error summary lists the errors in that order.
_KIND = RadioField(
    "What kind of summary is it?",
    widget=RadioInput(),
    choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
    validators=[InputRequired(message="Select what kind of summary it is")],
    invalid_choice_message="Select what kind of summary it is",
)
_CATEGORY = RadioField(
    "Category",
    widget=RadioInput(),
    choices=[SelectChoice(item.value, label) for item, label in CATEGORY_LABELS.items()],
    validators=[InputRequired(message="Select the category")],
    invalid_choice_message="Select the category",
)


class SummaryForm(PortalForm):
    title = text_field("Title", missing="Enter a title", too_long="Title must be 200 characters or fewer")
    what_happened = textarea_field(
        "What happened, in general terms", missing="Enter what happened", description=NO_NAMES
    )
    what_learned = textarea_field("What was learned", missing="Enter what was learned")
    what_changed = TextAreaField(
        "What changed (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Optional(), Length(max=2000, message="What changed must be 2000 characters or fewer")],
    )
    themes = SelectMultipleField(
        "Themes",
        widget=CheckboxesInput(),
        description="Select all that apply",
        choices=[SelectChoice(theme.value, label) for theme, label in THEME_LABELS.items()],
        invalid_choice_message="Select only themes from the list",
        validators=[InputRequired(message="Select at least one theme")],
    )
    submit = SubmitField("Save the draft", widget=GovSubmitInput())

    def text(self) -> SummaryText:
        return SummaryText(
            self.title.data,
            self.what_happened.data,
            self.what_learned.data,
            self.what_changed.data or "",
            [Theme(value) for value in self.themes.data or []],
        )


class ConcernSummaryForm(SummaryForm):
    kind = _KIND


class GoodPracticeForm(SummaryForm):
    category = _CATEGORY

    def chosen_category(self) -> Category:
        return Category(self.category.data)


class EditForm(SummaryForm):
    """Changing a draft: it carries the version of the draft its page showed (service.version_seen)."""

    seen = seen_field()


class PublishForm(PortalForm):
    seen = seen_field()  # the version of the draft its page showed: what is published is what was read
    submit = SubmitField("Publish the summary", widget=GovSubmitInput())


class AgreementForm(PortalForm):
    agree = SubmitField("Agree to show our name", widget=GovSubmitInput())
    withdraw = SubmitField("Withdraw our agreement", widget=GovSubmitInput())


class LibraryFilterForm(PortalForm):
    class Meta:
        csrf = False

    q = StringField(
        "Search",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Optional(), Length(max=200, message="Search must be 200 characters or fewer")],
    )
    category = SelectField(
        "Category",
        widget=GovSelect(),
        choices=[SelectChoice("", "All categories")]
        + [SelectChoice(item.value, label) for item, label in CATEGORY_LABELS.items()],
        validate_choice=False,
    )
    theme = SelectField(
        "Theme",
        widget=GovSelect(),
        choices=[SelectChoice("", "All themes")]
        + [SelectChoice(item.value, label) for item, label in THEME_LABELS.items()],
        validate_choice=False,
    )

    def chosen(self) -> tuple[Category | None, Theme | None, str]:
        """What to filter by: anything not offered (a hand-made URL) is ignored."""
        category = self.category.data if self.category.data in {item.value for item in Category} else None
        theme = self.theme.data if self.theme.data in {item.value for item in Theme} else None
        text = "" if self.q.errors else (self.q.data or "")
        return (Category(category) if category else None, Theme(theme) if theme else None, text)
