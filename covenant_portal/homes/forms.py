from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional, Regexp, StopValidation, ValidationError

from covenant_portal.web.forms import PortalForm, compact_upper, strip, text_field, whole_number
from covenant_portal.homes.models import HomeStatus, HomeType, Need, ProviderHome
from covenant_portal.homes.service import (
    HOME_TYPE_LABELS,
    NEED_LABELS,
    OLDEST_AGE,
    STATUS_LABELS,
    YOUNGEST_AGE,
    HomeDetails,
    version_seen,
)
from covenant_portal.web.stale import seen_field
from covenant_portal.web.widgets import CheckboxesInput, RadioInput

NO_CHILD_DETAILS = "Do not enter any information about children."
CHOOSE_HOST = "Select the local authority the home is in"
CHOOSE_TYPE = "Select the type of home or service"
CHOOSE_STATUS = "Select whether the home is open, planned or closed"
MOST_PLACES = 9999
# What a home's Ofsted URN may be, said the same way in the hint and in the message (as the
# provider's URN at sign-up is, accounts/forms.py, with what it accepts).
HOME_URN_FORMS = "SC and 6 digits, like SC123456, or 7 digits, like 1234567"


class WholeNumber:
    """A whole number between minimum and maximum, typed as text so a mistake is shown back as typed."""

    def __init__(self, what: str, minimum: int, maximum: int, example: str):
        self.what, self.minimum, self.maximum, self.example = what, minimum, maximum, example

    def __call__(self, form, field):
        number = whole_number(field.data)
        if number is None:
            raise StopValidation(f"{self.what} must be a whole number, like {self.example}")
        if number < self.minimum:
            raise StopValidation(f"{self.what} must be {self.minimum} or more")
        if number > self.maximum:
            raise StopValidation(f"{self.what} must be {self.maximum:,} or fewer")


def age_field(label: str, what: str, example: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message=f"Enter the {what.lower()}"),
            WholeNumber(what, YOUNGEST_AGE, OLDEST_AGE, example),
        ],
    )


class HomeForm(PortalForm):
    name = text_field(
        "Name of the home or service",
        "Enter the name of the home or service",
        "Name must be 200 characters or fewer",
        description=f"The name you use for it, like Oak House. {NO_CHILD_DETAILS}",
    )
    host_local_authority = SelectField(
        "Local authority the home is in", widget=GovSelect(), choices=[], invalid_choice_message=CHOOSE_HOST
    )
    ofsted_urn = StringField(
        "Ofsted unique reference number (URN) (optional)",
        widget=GovTextInput(),
        description=f"The home’s URN, as on its Ofsted registration: {HOME_URN_FORMS}",
        filters=[compact_upper],
        validators=[Optional(), Regexp(r"^(SC\d{6}|\d{7})$", message=f"Ofsted URN must be {HOME_URN_FORMS}")],
    )
    home_type = RadioField(
        "Type of home or service",
        widget=RadioInput(),
        choices=[SelectChoice(kind.value, label) for kind, label in HOME_TYPE_LABELS.items()],
        invalid_choice_message=CHOOSE_TYPE,
        validators=[InputRequired(message=CHOOSE_TYPE)],
    )
    registered_places = StringField(
        "Registered places",
        widget=GovTextInput(),
        description=(
            "How many children it is registered for. For a fostering agency, enter its approved fostering places."
        ),
        filters=[strip],
        validators=[
            DataRequired(message="Enter the number of registered places"),
            WholeNumber("Registered places", 0, MOST_PLACES, "4"),
        ],
    )
    age_from = age_field("Youngest age", "Youngest age", "8")
    age_to = age_field("Oldest age", "Oldest age", "17")
    needs = SelectMultipleField(
        "Needs it meets (optional)",
        widget=CheckboxesInput(),
        description="Select all that apply",
        choices=[SelectChoice(need.value, label) for need, label in NEED_LABELS.items()],
        invalid_choice_message="Select only needs from the list",
    )
    status = RadioField(
        "Status",
        widget=RadioInput(),
        choices=[SelectChoice(status.value, label) for status, label in STATUS_LABELS.items()],
        invalid_choice_message=CHOOSE_STATUS,
        validators=[InputRequired(message=CHOOSE_STATUS)],
    )
    submit = SubmitField("Save home", widget=GovSubmitInput())
    # The home as the page showed it (service.version_seen), so a colleague's change is noticed.
    seen = seen_field()

    def __init__(self, authorities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.host_local_authority.choices = [SelectChoice("", "Select a local authority")] + [
            SelectChoice(str(authority.id), authority.name) for authority in authorities
        ]

    @classmethod
    def for_home(cls, authorities, home: ProviderHome) -> "HomeForm":
        """The form filled in with the home as it is."""
        return cls(
            authorities,
            data={
                "name": home.name,
                "host_local_authority": str(home.host_local_authority_id),
                "ofsted_urn": home.ofsted_urn or "",
                "home_type": str(home.home_type),
                "registered_places": str(home.registered_places),
                "age_from": str(home.age_from),
                "age_to": str(home.age_to),
                "needs": list(home.needs),
                "status": str(home.status),
                "seen": version_seen(home),
            },
        )

    def validate_host_local_authority(self, field):
        if not field.data:
            raise ValidationError(CHOOSE_HOST)

    def validate_age_to(self, field):
        if not self.age_from.errors and int(self.age_from.data) > int(field.data):
            raise ValidationError("Oldest age must be the same as or more than the youngest age")

    def details(self) -> HomeDetails:
        return HomeDetails(
            name=self.name.data,
            host_local_authority_id=int(self.host_local_authority.data),
            ofsted_urn=self.ofsted_urn.data or None,
            home_type=HomeType(self.home_type.data),
            registered_places=int(self.registered_places.data),
            age_from=int(self.age_from.data),
            age_to=int(self.age_to.data),
            needs=frozenset(Need(need) for need in self.needs.data),
            status=HomeStatus(self.status.data),
        )
