from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import BooleanField, HiddenField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from covenant_portal.accounts.forms import full_name_field
from covenant_portal.web.forms import PortalForm, text_field, textarea_field
from covenant_portal.covenant.service import Wording
from covenant_portal.web.widgets import CheckboxInput


class SignForm(PortalForm):
    # The label is the exact declaration that is stored and signed (set per organisation below).
    confirm = BooleanField(widget=CheckboxInput())
    full_name = full_name_field()
    job_title = text_field("Job title", "Enter your job title", "Job title must be 200 characters or fewer")
    # The version the signer read; if a newer one is published meanwhile, signing is refused.
    version_number = HiddenField()
    submit = SubmitField("Sign the covenant", widget=GovSubmitInput())

    def __init__(self, declaration: str, organisation_name: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.confirm.label.text = declaration
        self.confirm.validators = [InputRequired(message=f"Confirm you are authorised to sign for {organisation_name}")]


class DraftForm(PortalForm):
    """The wording of a new version; draft_form() adds a pair of fields for each pledge."""

    title = text_field("Title", "Enter the title", "Title must be 300 characters or fewer", max_length=300)
    purpose = textarea_field("Purpose", "Enter the purpose")
    aims_preamble = textarea_field("Introduction to the aims", "Enter the introduction to the aims")
    aims = textarea_field("Aims", "Enter at least one aim", max_length=5000, description="One aim on each line")
    submit = SubmitField("Save as a draft", widget=GovSubmitInput())

    pledge_count = 0

    def validate_aims(self, field):
        if not _lines(field.data):
            raise ValidationError("Enter at least one aim")

    def wording(self) -> Wording:
        return Wording(
            title=self.title.data,
            purpose=self.purpose.data,
            aims_preamble=self.aims_preamble.data,
            aims=_lines(self.aims.data),
            pledges=[
                (self[f"la_pledge_{n}"].data, self[f"provider_pledge_{n}"].data)
                for n in range(1, self.pledge_count + 1)
            ],
        )

    def pledge_fields(self) -> list[tuple]:
        return [(self[f"la_pledge_{n}"], self[f"provider_pledge_{n}"]) for n in range(1, self.pledge_count + 1)]


def draft_form(wording: Wording) -> DraftForm:
    """A form for the wording, prefilled with it (a submitted form shows what was typed instead)."""

    class Form(DraftForm):
        pledge_count = len(wording.pledges)

    data = {
        "title": wording.title,
        "purpose": wording.purpose,
        "aims_preamble": wording.aims_preamble,
        "aims": "\n".join(wording.aims),
    }
    for n, (la_pledge, provider_pledge) in enumerate(wording.pledges, start=1):
        for side, who, text in (("la", "local authorities", la_pledge), ("provider", "providers", provider_pledge)):
            name = f"{side}_pledge_{n}"
            setattr(Form, name, textarea_field(f"Pledge {n}: {who}", f"Enter pledge {n} of the {who}"))
            data[name] = text
    return Form(data=data)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class AuthoritySignForm(SignForm):
    """An LA contact signs for their authority: the name and job title are the authorised officer's."""

    def __init__(self, declaration: str, authority_name: str, *args, **kwargs):
        super().__init__(declaration, authority_name, *args, **kwargs)
        # The messages name the officer too: "Enter your full name" would ask for the contact's own.
        for field, what in ((self.full_name, "full name"), (self.job_title, "job title")):
            field.label.text = f"Authorised officer’s {what}"
            field.validators = [
                DataRequired(message=f"Enter the authorised officer’s {what}"),
                Length(max=200, message=f"The authorised officer’s {what} must be 200 characters or fewer"),
            ]
        self.submit.label.text = "Sign the covenant"
