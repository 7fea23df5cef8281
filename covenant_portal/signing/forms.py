from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from covenant_portal.signing import checkpoints
from covenant_portal.signing.dsse import MAX_ENVELOPE_BYTES
from covenant_portal.signing.references import reference_seq
from covenant_portal.web.forms import PortalForm, strip


class VerifyForm(PortalForm):
    not_free_text = frozenset({"receipt_text", "reference"})  # what the portal wrote: not people's words
    named_in_messages = {"receipt_text": "The pasted receipt"}
    receipt_file = FileField(
        "Upload a receipt file",
        widget=GovFileInput(),
        description="The .json file the portal gave you when the record was signed.",
    )
    receipt_text = TextAreaField(
        "Or paste the receipt",
        widget=GovTextArea(),
        description="Paste the whole receipt, from the first { to the last }.",
    )
    reference = StringField(
        "Or enter a receipt reference",
        widget=GovTextInput(),
        description="The reference the portal gave when the record was signed, for example GMF-000012.",
        validators=[Length(max=40, message="Enter a receipt reference in the form GMF-000012")],
    )
    submit = SubmitField("Check the receipt", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        has_file, has_text = bool(self.uploaded_file()), bool((self.receipt_text.data or "").strip())
        given = has_file + has_text + bool(self.reference_text())
        if given != 1:
            message = (
                "Upload a receipt file, paste a receipt or enter a receipt reference, not more than one"
                if given
                else "Upload a receipt file, paste a receipt or enter a receipt reference"
            )
            self.receipt_file.errors.append(message)
            return False
        if self.reference_text() and reference_seq(self.reference_text()) is None:
            self.reference.errors.append("Enter a receipt reference in the form GMF-000012")
            return False
        return True

    def reference_text(self) -> str:
        return (self.reference.data or "").strip()

    def uploaded_file(self):
        upload = self.receipt_file.data
        return upload if upload and upload.filename else None

    def receipt_field(self):
        """The field the receipt came in, where any problem with it is shown."""
        if self.reference_text():
            return self.reference
        return self.receipt_file if self.uploaded_file() else self.receipt_text

    def receipt_bytes(self) -> bytes:
        """What was sent, cut one byte past the limit so that an oversized receipt is still seen as one."""
        upload = self.uploaded_file()
        if upload:
            return upload.stream.read(MAX_ENVELOPE_BYTES + 1)
        return self.receipt_text.data.encode("utf-8")


class WitnessKeyForm(PortalForm):
    not_free_text = frozenset({"verifier_key"})
    verifier_key = StringField(
        "Witness verifier key",
        widget=GovTextInput(),
        description="The witness’s cosignature key as its operator gives it: name+key ID+key, for example "
        "witness.example.org+1a2b3c4d+BJ…",
        validators=[
            InputRequired("Enter the witness verifier key"),
            Length(max=400, message="A verifier key is shorter than 400 characters"),
        ],
    )
    description = StringField(
        "Who runs it",
        widget=GovTextInput(),
        description="For example: Bolton Council, internal audit.",
        filters=[strip],
        validators=[
            DataRequired("Enter who runs the witness"),
            Length(max=255, message="Enter 255 characters or fewer"),
        ],
    )
    submit = SubmitField("Register witness", widget=GovSubmitInput())

    def validate_verifier_key(self, field) -> None:
        if field.errors:
            return  # too long: said already
        try:
            checkpoints.witness_verifier_key(field.data)
        except checkpoints.WitnessKeyProblem as problem:
            raise ValidationError(str(problem)) from problem


class RemoveWitnessForm(PortalForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())
