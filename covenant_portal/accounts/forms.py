from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, Regexp, ValidationError

from covenant_portal.accounts.passwords import password_problem
from covenant_portal.web.forms import PortalForm, compact_upper, email_field, text_field
from covenant_portal.web.widgets import CheckboxInput

# What an Ofsted URN typed at sign-up may be, said the same way in the hint and in the message (a
# home's URN, homes/forms.py, is said the same way, with what it accepts).
PROVIDER_URN_FORMS = "SC and 6 digits, like SC123456, or 6 or 7 digits, like 1234567"


def new_password_field(label: str = "Create a password") -> PasswordField:
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        description="Use 12 characters or more. A few unrelated words together are easy to remember and hard to guess.",
        validators=[
            InputRequired(message="Enter a password"),
            Length(max=1000, message="Password must be 1000 characters or fewer"),
        ],
    )


def confirm_password_field() -> PasswordField:
    return PasswordField(
        "Confirm your password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter your password again"),
            EqualTo("password", message="Passwords do not match: enter the same password twice"),
        ],
    )


class NewPasswordRules:
    """Checks the new password against the policy (fields are declared in each form, in page order)."""

    def validate_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


def full_name_field(missing: str = "Enter your full name") -> StringField:
    return text_field("Full name", missing, "Full name must be 200 characters or fewer")


def job_title_field(missing: str = "Enter your job title") -> StringField:
    return text_field("Job title", missing, "Job title must be 200 characters or fewer")


class LoginForm(PortalForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
        ],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your password")]
    )
    remember_me = BooleanField("Keep me signed in on this device for 30 days", widget=CheckboxInput())
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SignOutForm(PortalForm):
    submit = SubmitField("Sign out", widget=GovSubmitInput())


class SignUpForm(NewPasswordRules, PortalForm):
    organisation_name = text_field(
        "Organisation name",
        "Enter the name of your organisation",
        "Organisation name must be 200 characters or fewer",
    )
    companies_house_number = StringField(
        "Companies House number (optional)",
        widget=GovTextInput(),
        description="8 characters, like 01234567 or SC123456",
        filters=[compact_upper],
        validators=[
            Optional(),
            Regexp(
                r"^(\d{8}|[A-Z]{2}\d{6}|R\d{7})$",
                message="Companies House number must be 8 characters, like 01234567 or SC123456",
            ),
        ],
    )
    charity_number = StringField(
        "Registered charity number (optional)",
        widget=GovTextInput(),
        description="6 or 7 digits, like 1234567, or SC and 6 digits for a Scottish charity, like SC012345",
        filters=[compact_upper],
        validators=[
            Optional(),
            Regexp(
                r"^(\d{6,7}|SC\d{6})$",
                message="Charity number must be 6 or 7 digits, like 1234567, or SC and 6 digits, like SC012345",
            ),
        ],
    )
    ofsted_provider_urn = StringField(
        "Ofsted unique reference number (URN) (optional)",
        widget=GovTextInput(),
        description=f"Your provider or setting URN, as on your Ofsted registration: {PROVIDER_URN_FORMS}",
        filters=[compact_upper],
        validators=[Optional(), Regexp(r"^(SC\d{6}|\d{6,7})$", message=f"Ofsted URN must be {PROVIDER_URN_FORMS}")],
    )
    full_name = full_name_field()
    job_title = job_title_field()
    email = email_field(description="We will send you a link to confirm it")
    password = new_password_field()
    confirm_password = confirm_password_field()
    submit = SubmitField("Create account", widget=GovSubmitInput())


class EmailForm(PortalForm):
    """Asks for an address to send a link to (forgotten password, new confirmation link)."""

    email = email_field()
    submit = SubmitField("Send the link", widget=GovSubmitInput())


class NewPasswordForm(NewPasswordRules, PortalForm):
    password = new_password_field()
    confirm_password = confirm_password_field()
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordRules, PortalForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )
    password = new_password_field("New password")
    confirm_password = confirm_password_field()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ChangeEmailForm(PortalForm):
    email = email_field("New email address", missing="Enter your new email address")
    password = PasswordField(
        "Your password",
        widget=GovPasswordInput(),
        description="To check it is you",
        validators=[InputRequired(message="Enter your password")],
    )
    submit = SubmitField("Send a confirmation link", widget=GovSubmitInput())


class InviteeForm(PortalForm):
    """Who is being invited: the fields every invitation starts with."""

    full_name = full_name_field("Enter their full name")
    job_title = job_title_field("Enter their job title")
    email = email_field(
        missing="Enter their email address", description="We will email them a link to set up their account"
    )


class InviteColleagueForm(InviteeForm):
    is_organisation_admin = BooleanField(
        "Make them an organisation admin too",
        widget=CheckboxInput(),
        description=(
            "Organisation admins can sign the covenant, name contacts for vacancies and referrals, "
            "add and change homes, and invite colleagues and deactivate their accounts"
        ),
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())
