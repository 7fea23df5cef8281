from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from covenant_portal.accounts.forms import InviteeForm
from covenant_portal.accounts.management import STAFF_ROLES
from covenant_portal.access import Role
from covenant_portal.web.forms import PortalForm
from covenant_portal.web.widgets import RadioInput

CHOOSE_ROLE = "Select what they will do in the portal"


class InviteUserForm(InviteeForm):
    role = RadioField(
        "What will they do in the portal?",
        widget=RadioInput(),
        choices=[SelectChoice(role.value, role.label) for role in STAFF_ROLES],
        invalid_choice_message=CHOOSE_ROLE,
        validators=[InputRequired(message=CHOOSE_ROLE)],
    )
    local_authority = SelectField(
        "Local authority",
        widget=GovSelect(),
        choices=[],
        default="",
        invalid_choice_message="Select the local authority they work for",
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())

    def __init__(self, local_authorities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.local_authority.choices = [SelectChoice("", "Select a local authority")] + [
            SelectChoice(str(authority.id), authority.name) for authority in local_authorities
        ]

    def validate_local_authority(self, field):
        if self.role.data == Role.LA_CONTACT and not field.data:
            raise ValidationError("Select the local authority they work for")


class UserFilterForm(PortalForm):
    """The filters above the list of users: a GET form, so it needs no CSRF token."""

    class Meta:
        csrf = False

    # An unknown role is refused (400, next to the field), as the other log and list filters refuse
    # an unknown value. An organisation or authority id that is not a number filters nothing.
    role = SelectField(
        "Role",
        widget=GovSelect(),
        choices=[SelectChoice("", "All roles")] + [SelectChoice(role.value, role.label) for role in Role],
        validate_choice=False,
    )
    organisation = SelectField("Provider organisation", widget=GovSelect(), choices=[], validate_choice=False)
    local_authority = SelectField("Local authority", widget=GovSelect(), choices=[], validate_choice=False)

    def __init__(self, organisations, local_authorities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice("", "All organisations")] + [
            SelectChoice(str(organisation.id), organisation.name) for organisation in organisations
        ]
        self.local_authority.choices = [SelectChoice("", "All local authorities")] + [
            SelectChoice(str(authority.id), authority.name) for authority in local_authorities
        ]

    def validate_role(self, field):
        if field.data and field.data not in Role._value2member_map_:
            raise ValidationError("Select a role from the list")
