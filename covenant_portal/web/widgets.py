"""GOV.UK radios and checkboxes that always ask their question.

govuk-frontend-wtf's widgets drop the field's label (the fieldset's legend, the question) as soon as
a template passes any `fieldset` parameter, such as the legend's size, and give every group a hint,
empty when the field has no description, which the fieldset's aria-describedby then points at.
These keep the legend's text whatever the template adds to it (WCAG 1.3.1, 3.3.2) and leave out an
empty hint. Every form uses these, never govuk-frontend-wtf's own.

A single checkbox (a declaration, "Keep me signed in") is the GOV.UK single checkbox: its label is
the statement and it has no fieldset, so its words are not read twice (once as a legend, once as
the label); its hint sits under the label and its error message above it, each tied to the input
by aria-describedby.
"""

from govuk_frontend_wtf.gov_form_base import GovIterableBase
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput, GovRadioInput


def _has_text(part) -> bool:
    return bool((part or {}).get("text") or (part or {}).get("html"))


class _AsksItsQuestion(GovIterableBase):
    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        if not _has_text(params.get("hint")):
            params.pop("hint", None)
        legend = params.setdefault("fieldset", {}).setdefault("legend", {})
        if not legend.get("text") and not legend.get("html"):
            legend["text"] = field.label.text
        return params


class RadioInput(_AsksItsQuestion, GovRadioInput):
    pass


class CheckboxesInput(_AsksItsQuestion, GovCheckboxesInput):
    pass


class CheckboxInput(GovCheckboxInput):
    """One checkbox whose label is the statement: no fieldset, no legend repeating the label."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)  # govuk-frontend-wtf drops the fieldset
        params.pop("fieldset", None)
        hint = params.pop("hint", None)
        if _has_text(hint):
            params["items"][0].setdefault("hint", hint)
        return params
