"""Issue 13, point 3: no child-identifying data in any free-text field of any form of any area.
The check is in the base form (web/forms.py PortalForm runs web/identifiers.py over every
free-text field); here every form the hostile catalogue reaches gets an NHS number in each of its
free-text fields in turn, and must refuse it next to that field, keeping what was typed."""

import html

import pytest
from wtforms.fields.core import UnboundField

from covenant_portal.web.forms import PortalForm, is_free_text
from tests.hostile.catalogue import TARGETS, data_for
from tests.hostile.conftest import browser_for
from tests.hostile.pages import form_for
from tests.hostile.test_every_form import FORM_CLASSES, field_error

NHS_NUMBER = "Discussed 943 476 5919 at the meeting"
CHECKED: set[tuple[str, str]] = set()


def free_text_names(form_class: type[PortalForm]) -> set[str]:
    """The free-text fields a form class declares (its own and those of the classes it derives from)."""
    names = set()
    for klass in form_class.__mro__:
        for name, value in vars(klass).items():
            if isinstance(value, UnboundField) and is_free_text(form_class, name, value.field_class.__name__):
                names.add(name)
    return names


def test_free_text_fields_are_found_and_a_receipt_is_not_one():
    from covenant_portal.signing.forms import VerifyForm

    assert "receipt_text" not in free_text_names(VerifyForm)
    every = {name for form in FORM_CLASSES.values() for name in free_text_names(form)}
    assert {"name", "narrative", "full_name", "organisation_name"} <= every


@pytest.mark.parametrize("target", [target for target in TARGETS if target.method == "post"], ids=str)
def test_an_nhs_number_is_refused_in_every_free_text_field(hostile, target):
    browser = browser_for(hostile, target.persona)
    url = target.url.format(w=hostile.world)
    page_url = (target.page or target.url).format(w=hostile.world)
    form = form_for(browser.client.get(page_url).get_data(as_text=True), url, page_url, target.method)
    free = set().union(*(free_text_names(FORM_CLASSES[name]) for name in target.forms)) if target.forms else set()
    base = {**form.filled(), **data_for(target, hostile.session)}
    for name in sorted(free & set(form.fields)):
        if field_error(send(hostile, browser, url, {**base, name: "Plain words"}), name):
            continue  # a field with a format of its own (a charity number...) refuses words anyway
        response = send(hostile, browser, url, {**base, name: NHS_NUMBER})
        text = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 400, (str(target), name, response.status_code)
        assert field_error(response, name), (str(target), name)
        assert "it looks like an NHS number" in text and NHS_NUMBER in text, (str(target), name)
        CHECKED.add((target.endpoint, name))


def send(hostile, browser, url, data):
    savepoint = hostile.connection.begin_nested()
    try:
        return browser.client.post(url, data=data)
    finally:
        savepoint.rollback()


def test_the_forms_above_had_free_text_fields_to_check():
    if not CHECKED:
        pytest.skip("run with the test above")
    assert len(CHECKED) >= 10
