"""The expansions area's forms. They carry what was typed; the rules are in the services
(needs/service.py, proposals/rules.py, triage/service.py), whose messages show next to the fields."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from covenant_portal.audit.forms import DayMonthYearField
from covenant_portal.expansions.models import NEED_CATEGORY_LABELS, OUTCOME_LABELS, NeedPriority
from covenant_portal.expansions.proposals import rules
from covenant_portal.expansions.proposals.drafts import Seen
from covenant_portal.web.forms import PortalForm, WholeNumberField, strip
from covenant_portal.web.identifiers import identifying_data_problem
from covenant_portal.web.ids import parse_id
from covenant_portal.web.stale import seen_field
from covenant_portal.web.widgets import RadioInput

NO_CHILD_DETAILS = (
    "Do not include anything that could identify a child, such as a name, date of birth, "
    "NHS number or unique pupil number (UPN)."
)


def _text(label: str, description: str = "") -> StringField:
    return StringField(label, widget=GovTextInput(), filters=[strip], description=description)


def _number(label: str, description: str = "") -> WholeNumberField:
    """A number typed as text: the service's rule says what is wrong with it (never the identifier check)."""
    return WholeNumberField(label, widget=GovTextInput(), filters=[strip], description=description)


def _area(label: str, description: str = NO_CHILD_DETAILS) -> TextAreaField:
    return TextAreaField(label, widget=GovTextArea(), filters=[strip], description=description)


def _radios(label: str, labels: dict) -> RadioField:
    return RadioField(
        label,
        widget=RadioInput(),
        choices=[SelectChoice(str(value), text) for value, text in labels.items()],
        validate_choice=False,  # the service says what is missing, next to the field
    )


class ButtonForm(PortalForm):
    """A single button (its CSRF token only): start, take, withdraw, revise."""


# Needs statements


class NeedForm(PortalForm):
    local_authority = SelectField("Local authority", widget=GovSelect(), validate_choice=False)
    category = _radios("Category of service", NEED_CATEGORY_LABELS)
    age_from = _number("Youngest age", "In years, from 0 to 25")
    age_to = _number("Oldest age", "In years, from 0 to 25")
    places_wanted = _number("Places wanted")
    priority = _radios("Priority", {priority: priority.label for priority in NeedPriority})
    area = _text("Ward or district (optional)", "Where the service is needed, if it matters")
    notes = _area("Notes (optional)")
    review_on = DayMonthYearField(
        "Review date", description="When this need will be looked at again, for example 31 3 2027"
    )
    submit = SubmitField("Publish", widget=GovSubmitInput())


class NeedsFilterForm(PortalForm):
    class Meta:
        csrf = False

    local_authority = SelectField("Local authority", widget=GovSelect(), validate_choice=False)
    category = SelectField("Category", widget=GovSelect(), validate_choice=False)


class OverseenFilterForm(PortalForm):
    """The overseers' list of proposals, by host LA and status (a GET form)."""

    class Meta:
        csrf = False

    local_authority = SelectField("Host local authority", widget=GovSelect(), validate_choice=False)
    status = SelectField("Status", widget=GovSelect(), validate_choice=False)


# A proposal's draft, section by section


class SectionForm(PortalForm):
    """A section's page: the draft as shown travels with the form, so a colleague's save is noticed."""

    draft_lock = HiddenField()
    fingerprint = HiddenField()
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    section = ""

    def show(self, shown: Seen) -> None:
        self.draft_lock.data = str(shown.lock)
        self.fingerprint.data = shown.fingerprint

    def shown(self) -> Seen:
        lock = parse_id(str(self.draft_lock.data or ""))
        return Seen(-1 if lock is None else lock, str(self.fingerprint.data or ""))

    def answers(self) -> dict:
        return {question.name: self[question.name].data or "" for question in rules.questions(self.section)}

    def fill(self, answers: dict) -> None:
        for question in rules.questions(self.section):
            self[question.name].data = answers.get(question.name, "")

    def validate(self, extra_validators=None) -> bool:
        """PortalForm's checks, with the identifier check's message naming its question (the same
        postcode typed in four answers gives four messages, each saying which answer it is in)."""
        valid = super().validate(extra_validators)
        for question in rules.questions(self.section):
            field = self[question.name]
            plain = identifying_data_problem(field.data if isinstance(field.data, str) else None)
            if plain is not None and field.errors == [plain]:
                field.errors = [rules.identifying_problem(question, field.data)]
        return valid

    def offer(self, options: dict[str, dict[str, str]]) -> None:
        for name, labels in options.items():
            if name in self:
                self[name].choices = [SelectChoice(value, text) for value, text in labels.items()]


def _field(question: rules.Question):
    if question.kind == "choice":
        return _radios(question.label, question.choices or {})
    if question.kind == "textarea":
        return _area(question.label)
    if question.name == "postcode_district":
        return _text(
            question.label, "The first half of the postcode only, like BL9 — never the full postcode or address"
        )
    if question.kind == "number":
        # A fee is typed after a £ prefix, which screen readers do not read (GOV.UK's input prefix is
        # aria-hidden): its label says the unit in words, as GOV.UK's "Amount, in pounds" does.
        return _number(f"{question.label}, in pounds" if question.money else question.label)
    return _text(question.label)


def _section_form(name: str, section: str) -> type[SectionForm]:
    fields = {question.name: _field(question) for question in rules.questions(section)}
    # The postcode district is checked as one (rules.POSTCODE_DISTRICT: "BL9", never more), which
    # says better than the free-text check what to type when a full postcode is given.
    exempt = frozenset({"postcode_district"} & fields.keys())
    return type(name, (SectionForm,), {"section": section, "not_free_text": exempt, **fields})


ServiceForm = _section_form("ServiceForm", "service")
RegistrationForm = _section_form("RegistrationForm", "registration")
NeedAnsweredForm = _section_form("NeedAnsweredForm", "need")
LocationForm = _section_form("LocationForm", "location")
SECTION_FORMS = {form.section: form for form in (ServiceForm, RegistrationForm, NeedAnsweredForm, LocationForm)}


class SubmitProposalForm(PortalForm):
    draft_lock = HiddenField()
    submit = SubmitField("Submit proposal", widget=GovSubmitInput())

    def lock(self) -> int:
        lock = parse_id(str(self.draft_lock.data or ""))
        return -1 if lock is None else lock


# Triage and conversation


class QuestionForm(PortalForm):
    question = _area("What do you need to know?")
    submit = SubmitField("Ask the provider", widget=GovSubmitInput())


class AnswerForm(PortalForm):
    answer = _area("Your answer")
    submit = SubmitField("Send answer", widget=GovSubmitInput())


class MessageForm(PortalForm):
    text = _area("Message")
    submit = SubmitField("Send", widget=GovSubmitInput())


class OutcomeForm(PortalForm):
    outcome = _radios("What is your response?", OUTCOME_LABELS)
    details = _area(
        "Conditions, reason or notes",
        "The conditions if supported with conditions; the reason if not supported (for example no identified "
        f"need, or a location risk). {NO_CHILD_DETAILS}",
    )
    meeting_on = DayMonthYearField(
        "Date of the meeting", description="Only for a “Discuss further” response. For example, 14 1 2027"
    )
    seen = seen_field()  # the proposal's responses when the page was opened (triage.responses_version)
    submit = SubmitField("Sign and send the response", widget=GovSubmitInput())
