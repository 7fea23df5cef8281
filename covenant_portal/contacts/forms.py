from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from covenant_portal.web.forms import PortalForm, email_field, text_field
from covenant_portal.contacts.models import LocalAuthorityNamedContact, ProviderContact
from covenant_portal.contacts.service import ContactDetails, tidy_phone, uk_phone_number
from covenant_portal.homes.service import STATUS_LABELS
from covenant_portal.web.widgets import CheckboxesInput

PHONE_FORMAT = "Enter a UK telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"


def uk_phone(_form, field):
    if uk_phone_number(field.data or "") is None:
        raise ValidationError(PHONE_FORMAT)


def phone_field(label: str = "Telephone number", **kwargs) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[lambda value: tidy_phone(value) if isinstance(value, str) else value],
        validators=[
            DataRequired(message="Enter a telephone number"),
            Length(max=40, message="Telephone number must be 40 characters or fewer"),
            uk_phone,
        ],
        **kwargs,
    )


class ContactForm(PortalForm):
    name = text_field("Full name", "Enter the contact’s full name", "Full name must be 200 characters or fewer")
    role = text_field(
        "Role",
        "Enter the contact’s role",
        "Role must be 200 characters or fewer",
        description="Their job or what they do for you, like Referrals manager",
    )
    email = email_field(
        missing="Enter the contact’s email address", description="Local authorities will write to them here"
    )
    phone = phone_field(description="A UK number local authorities can call about vacancies and referrals")
    homes = SelectMultipleField(
        "Which homes do they cover? (optional)",
        widget=CheckboxesInput(),
        description="Select none if they cover all your homes",
        choices=[],
        invalid_choice_message="Select only your organisation’s homes",
    )
    submit = SubmitField("Save contact", widget=GovSubmitInput())

    def __init__(self, homes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.homes.choices = [SelectChoice(str(home.id), _home_label(home)) for home in homes]

    @classmethod
    def for_contact(cls, homes, contact: ProviderContact) -> "ContactForm":
        """The form filled in with the contact as they are."""
        return cls(
            homes,
            data={
                "name": contact.name,
                "role": contact.role,
                "email": contact.email,
                "phone": contact.phone,
                "homes": [str(home.id) for home in contact.homes],
            },
        )

    def details(self) -> ContactDetails:
        return ContactDetails(
            name=self.name.data,
            role=self.role.data,
            email=self.email.data,
            phone=self.phone.data,
            home_ids=frozenset(int(home_id) for home_id in self.homes.data),
        )


def _home_label(home) -> str:
    label = f"{home.name}, {home.host_local_authority.name}"
    return label if home.status == "open" else f"{label} ({STATUS_LABELS[home.status].lower()})"


class NamedContactForm(PortalForm):
    """The details providers should use to reach an LA's named contact."""

    email = email_field(
        "Email address for providers",
        missing="Enter the email address providers should use",
        description="This can be a shared team inbox",
    )
    phone = phone_field("Telephone number for providers", description="A UK number providers can call")
    submit = SubmitField("Save", widget=GovSubmitInput())

    @classmethod
    def for_named_contact(cls, named: LocalAuthorityNamedContact | None, default_email: str) -> "NamedContactForm":
        if named is None:
            return cls(data={"email": default_email})
        return cls(data={"email": named.email, "phone": named.phone})
