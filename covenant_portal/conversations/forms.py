from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from covenant_portal.conversations.service import Opening
from covenant_portal.web.forms import PortalForm, text_field, textarea_field
from covenant_portal.web.identifiers import identifying_data_problem

NO_CHILDREN = "Do not include anything that could identify a child."


def no_identifying_data(_form, field):
    """Every free-text field: nothing that could identify a child (web/identifiers.py)."""
    problem = identifying_data_problem(field.data)
    if problem:
        raise ValidationError(problem)


def checked(field):
    """A field from the form helpers with the child-identifier check added to its validators."""
    field.kwargs["validators"].append(no_identifying_data)
    return field


def message_field(label: str):
    return checked(textarea_field(label, "Enter your message", max_length=5000, description=NO_CHILDREN))


class StartForm(PortalForm):
    topic = checked(
        text_field(
            "What is it about?",
            "Enter what the conversation is about",
            "What it is about must be 200 characters or fewer",
            description="For example, GM share below the dialogue threshold",
        )
    )
    subject = checked(text_field("Subject", "Enter a subject", "Subject must be 200 characters or fewer"))
    body = message_field("First message")
    submit = SubmitField("Start the conversation", widget=GovSubmitInput())

    def opening(self) -> Opening:
        return Opening(topic=self.topic.data, subject=self.subject.data, body=self.body.data)


class ReplyForm(PortalForm):
    body = message_field("Your reply")
    submit = SubmitField("Send reply", widget=GovSubmitInput())
