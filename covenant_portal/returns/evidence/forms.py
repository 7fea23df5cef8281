"""The evidence upload form."""

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField

from covenant_portal.returns.evidence.service import ACCEPTED_EXTENSIONS
from covenant_portal.web.forms import PortalForm


class EvidenceForm(PortalForm):
    evidence_file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A PDF, Word document (DOCX), Excel spreadsheet (XLSX), PNG or JPEG, smaller than 10 MB. "
        "Do not include anything that identifies a child, in the file or in its name.",
        render_kw={"accept": ACCEPTED_EXTENSIONS},
    )
    submit = SubmitField("Upload file", widget=GovSubmitInput())

    def uploaded_file(self):
        upload = self.evidence_file.data
        return upload if upload and getattr(upload, "filename", "") else None
