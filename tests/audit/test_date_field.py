"""The day, month and year field every date question of the portal uses: its messages name the
field by its label in quotes, so they read well whether the label is a name or a question."""

import pytest
from werkzeug.datastructures import MultiDict

from covenant_portal.audit.forms import DayMonthYearField
from covenant_portal.web.forms import PortalForm


class QuestionForm(PortalForm):
    class Meta:
        csrf = False

    event_on = DayMonthYearField("When did it happen?")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (["31", "2", "2026"], "Enter a real date for “When did it happen?”"),
        (["", "2", "2026"], "Enter the day for “When did it happen?”"),
        (["", "2", ""], "Enter the day and the year for “When did it happen?”"),
        (["1", "2", "26"], "Enter a year with 4 numbers, like 2026, for “When did it happen?”"),
    ],
)
def test_a_wrong_date_is_explained_naming_the_question(app, typed, message):
    with app.test_request_context():
        form = QuestionForm(formdata=MultiDict([("event_on", part) for part in typed]))
        assert not form.validate()
    assert form.event_on.errors == [message]
    assert form.event_on.raw_data == typed  # what was typed is shown back


def test_a_real_date_or_none_is_taken(app):
    with app.test_request_context():
        dated = QuestionForm(formdata=MultiDict([("event_on", "27"), ("event_on", "2"), ("event_on", "2026")]))
        empty = QuestionForm(formdata=MultiDict([("event_on", ""), ("event_on", ""), ("event_on", "")]))
        assert dated.validate() and empty.validate()
    assert str(dated.event_on.data) == "2026-02-27"
    assert empty.event_on.data is None
