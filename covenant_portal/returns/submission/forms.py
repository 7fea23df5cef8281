"""Forms for signing a return and correcting it."""

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import BooleanField, HiddenField, SubmitField
from wtforms.validators import InputRequired

from covenant_portal.accounts.forms import full_name_field, job_title_field
from covenant_portal.web.forms import PortalForm
from covenant_portal.web.ids import parse_id
from covenant_portal.web.widgets import CheckboxInput


class SignReturnForm(PortalForm):
    # The label is the exact declaration that is stored and signed (set per return below).
    confirm = BooleanField(widget=CheckboxInput())
    full_name = full_name_field()
    job_title = job_title_field()
    # The draft the signer checked; if a colleague saves a change meanwhile, signing is refused.
    draft_lock = HiddenField()
    submit = SubmitField("Sign and submit the return", widget=GovSubmitInput())

    def __init__(self, declaration: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.confirm.label.text = declaration
        self.confirm.validators = [InputRequired(message="Confirm that the return is accurate and complete")]

    def lock(self) -> int:
        shown = str(self.draft_lock.data or "")
        lock = parse_id(shown)
        return -1 if lock is None else lock


class ActionForm(PortalForm):
    """A button that changes something (remove a file, start a correction): just the CSRF token."""
