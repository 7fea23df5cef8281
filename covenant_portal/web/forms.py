"""Form helpers shared by every area's forms (kernel: knows no area)."""

import re
import unicodedata

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from covenant_portal.web.identifiers import identifying_data_problem

# The fields people write words in: every one is checked for child-identifying data. E-mail,
# password, hidden, number (WholeNumberField) and choice fields are other classes and are not free text.
FREE_TEXT_TYPES = frozenset({"StringField", "TextAreaField"})


def control_character_in(text: str) -> bool:
    """True if `text` holds a control character that is not tab or newline. A carriage return is
    allowed only before a newline: browsers send a textarea's line breaks as CR LF."""
    for index, character in enumerate(text):
        if character in "\t\n" or unicodedata.category(character) != "Cc":
            continue
        if character == "\r" and text[index + 1 : index + 2] == "\n":
            continue
        return True
    return False


def cannot_be_stored(label: str) -> str:
    return f"{label} contains a character that cannot be stored (a control character). Remove it."


class PortalForm(FlaskForm):
    """The base of every form in the portal. Whatever the form, no text field may hold a control
    character (NUL, escape, backspace...) other than tab, newline and a CR LF line break:
    PostgreSQL cannot store NUL, and none of them is ever meant. The field shows the message and
    keeps what was typed; the control character is the only problem shown for that field.

    Every free-text field (FREE_TEXT_TYPES) is checked for child-identifying data too
    (`identifying_data_problem`), unless the form names it in `not_free_text` (a signed receipt,
    a key: text a machine wrote, never a person's words)."""

    not_free_text: frozenset[str] = frozenset()
    # What a message calls a field whose label does not begin a sentence ("Or paste the receipt").
    named_in_messages: dict[str, str] = {}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field, StringField) and _typed_control_character(field):
                field.errors = [cannot_be_stored(self.named_in_messages.get(field.name, field.label.text))]
                valid = False
            elif is_free_text(self, field.name, field.type) and not field.errors:
                problem = identifying_data_problem(field.data if isinstance(field.data, str) else None)
                if problem:
                    field.errors = [problem]
                    valid = False
        return valid


def is_free_text(form: "PortalForm | type[PortalForm]", name: str, field_type: str) -> bool:
    """True if the field `name` of this type, in this form, takes a person's words."""
    return field_type in FREE_TEXT_TYPES and name not in form.not_free_text


def _typed_control_character(field) -> bool:
    typed = [value for value in (field.raw_data or ()) if isinstance(value, str)]
    if isinstance(field.data, str):
        typed.append(field.data)
    return any(control_character_in(value) for value in typed)


def strip(value):
    """A field filter: surrounding white space is never part of what was meant."""
    return value.strip() if isinstance(value, str) else value


def add_error(form: FlaskForm, field_name: str, message: str) -> None:
    """Shows a message a service raised next to the field it is about."""
    form[field_name].errors = [*form[field_name].errors, message]


def compact_upper(value):
    """Reference numbers are typed with spaces and in either case; keep them one canonical way."""
    return re.sub(r"\s+", "", value).upper() if isinstance(value, str) else value


def whole_number(typed) -> int | None:
    """A whole number typed as text (digits 0-9, perhaps after a minus), or None if it is not one.
    However many digits are typed it converts (Python refuses over 4,300): past 18 digits it is
    10**18 (or minus that), beyond every limit in the portal, so the "or fewer" message shows."""
    if not isinstance(typed, str) or not re.fullmatch(r"-?[0-9]+", typed):
        return None
    if len(typed.lstrip("-")) > 18:
        return -(10**18) if typed.startswith("-") else 10**18
    return int(typed)


class WholeNumberField(StringField):
    """A number typed as text (so a mistake is shown back as typed), whose own rule (a validator, or
    the service's `whole_number` check) says what is wrong with it: "M1 1AE" in a number of places
    is not a number, and the field says so, not that it looks like a postcode. Not free text: it
    is not run through the identifier check, as what it keeps is only ever a whole number."""


def email_field(label: str = "Email address", missing: str = "Enter your email address", **kwargs) -> EmailField:
    return EmailField(
        label,
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message=missing),
            Length(max=320, message="Email address must be 320 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
        ],
        **kwargs,
    )


def text_field(label: str, missing: str, too_long: str, max_length: int = 200, **kwargs) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message=missing), Length(max=max_length, message=too_long)],
        **kwargs,
    )


def textarea_field(
    label: str, missing: str, max_length: int = 2000, called: str | None = None, **kwargs
) -> TextAreaField:
    """A text to be typed. `called` names it in the too-long message where its label is a question
    ("What happened must be 2000 characters or fewer", not "What happened? must be ...")."""
    return TextAreaField(
        label,
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            DataRequired(message=missing),
            Length(max=max_length, message=f"{called or label} must be {max_length} characters or fewer"),
        ],
        **kwargs,
    )
