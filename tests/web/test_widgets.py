"""Every radio and checkbox group asks its question: a legend with the label's text, whatever the
template adds to the fieldset, and no empty hint for aria-describedby to point at. A single checkbox
is a statement, its label: it has no fieldset, so its words are not read twice."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput, GovRadioInput
from wtforms import BooleanField, Form, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice

from covenant_portal.web.widgets import CheckboxesInput, CheckboxInput, RadioInput


class Example(Form):
    status = RadioField(
        "Did you keep this pledge?",
        widget=RadioInput(),
        choices=[SelectChoice("met", "Met"), SelectChoice("not_met", "Not met")],
    )
    needs = SelectMultipleField(
        "Which needs does it meet?",
        widget=CheckboxesInput(),
        choices=[SelectChoice("a", "A"), SelectChoice("b", "B")],
        description="Select all that apply",
    )
    confirm = BooleanField("I confirm this", widget=CheckboxInput())
    make_admin = BooleanField(
        "Make them an organisation admin too", widget=CheckboxInput(), description="Admins can invite colleagues"
    )


def test_a_legend_keeps_its_question_when_the_template_sizes_it(app):
    form = Example()
    with app.test_request_context():
        html = form.status(params={"fieldset": {"legend": {"classes": "govuk-fieldset__legend--m"}}})
    assert 'class="govuk-fieldset__legend govuk-fieldset__legend--m"' in html
    assert "Did you keep this pledge?" in html[html.index("<legend") : html.index("</legend>")]


def test_a_group_without_a_description_has_no_empty_hint_and_one_with_keeps_it(app):
    form = Example()
    with app.test_request_context():
        radios, checkboxes, checkbox = str(form.status()), str(form.needs()), str(form.confirm())
    for html in (radios, checkbox):
        assert "govuk-hint" not in html and "aria-describedby" not in html
    assert 'aria-describedby="needs-hint"' in checkboxes and "Select all that apply" in checkboxes
    assert "Which needs does it meet?" in checkboxes[checkboxes.index("<legend") : checkboxes.index("</legend>")]


def every_form_class(app) -> list[type]:
    classes, queue = [], list(FlaskForm.__subclasses__())
    while queue:
        form_class = queue.pop()
        classes.append(form_class)
        queue.extend(form_class.__subclasses__())
    return [form_class for form_class in classes if form_class.__module__.startswith("covenant_portal.")]


def test_no_form_of_the_portal_uses_govuk_frontend_wtfs_own_radios_or_checkboxes(app):
    forms = every_form_class(app)
    assert len(forms) > 20  # the app's forms were found
    own = (RadioInput, CheckboxesInput, CheckboxInput)
    offenders = []
    for form_class in forms:
        for name in dir(form_class):
            unbound = getattr(form_class, name)
            widget = getattr(unbound, "kwargs", {}).get("widget") if hasattr(unbound, "field_class") else None
            if isinstance(widget, (GovRadioInput, GovCheckboxesInput, GovCheckboxInput)) and not isinstance(
                widget, own
            ):
                offenders.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert offenders == []


def test_a_single_checkbox_says_its_statement_once_as_its_label(app):
    form = Example()
    form.make_admin.errors = ["Confirm it"]
    with app.test_request_context():
        plain, described = str(form.confirm()), str(form.make_admin())
    for html, words in ((plain, "I confirm this"), (described, "Make them an organisation admin too")):
        assert "<fieldset" not in html and "<legend" not in html
        assert html.count(words) == 1
        assert words in html[html.index("<label") : html.index("</label>")]
    # Its hint follows the label and its error comes first, each read with the checkbox.
    assert 'aria-describedby="make_admin-error make_admin-item-hint"' in described
    assert described.index("</label>") < described.index("Admins can invite colleagues")
    assert described.index('id="make_admin-error"') < described.index("<input")
