"""Form helpers shared by every area's forms (kernel: knows no area)."""
import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length


def strip(value):
    """A field filter: surrounding white space is never part of what was meant."""
    return value.strip() if isinstance(value, str) else value


def add_error(form: FlaskForm, field_name: str, message: str) -> None:
    """Shows a message a service raised next to the field it is about."""
    form[field_name].errors = [*form[field_name].errors, message]


def compact_upper(value):
    """Reference numbers are typed with spaces and in either case; keep them one canonical way."""
    return re.sub(r"\s+", "", value).upper() if isinstance(value, str) else value


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


def textarea_field(label: str, missing: str, max_length: int = 2000, **kwargs) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            DataRequired(message=missing),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"),
        ],
        **kwargs,
    )
