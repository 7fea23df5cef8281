"""Finding 1 of issue 11: no text field of any form stores a control character. One check, in the
base form every form derives from (web/forms.py PortalForm); a clear message, what was typed kept."""

import html
import importlib
import inspect
import pkgutil

import pytest
from sqlalchemy import select
from wtforms import Form

import covenant_portal
from covenant_portal.access import Role
from covenant_portal.homes.models import ProviderHome
from covenant_portal.web.forms import PortalForm, control_character_in
from tests.factories import create_user
from tests.homes.homes import home_form


@pytest.mark.parametrize("text", ["", "plain", "tab\there", "two\nlines", "browser\r\nlines", "emoji 🙂", "\u202eRTL"])
def test_tab_newline_and_a_browsers_cr_lf_are_allowed(text):
    assert not control_character_in(text)


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "\x1b[31m", "\x08", "lone\rcarriage", "\x7f", "\x85", "\x9f"])
def test_other_control_characters_are_not(text):
    assert control_character_in(text)


def every_form_class() -> set[type]:
    """Every WTForms form class defined in the package, found by importing each module."""
    found = set()
    for module_info in pkgutil.walk_packages(covenant_portal.__path__, "covenant_portal."):
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Form) and value.__module__.startswith("covenant_portal."):
                found.add(value)
    return found


def test_every_form_in_the_portal_derives_from_portal_form():
    forms = every_form_class() - {PortalForm}
    assert len(forms) > 20
    assert not sorted(form.__qualname__ for form in forms if not issubclass(form, PortalForm))


def test_a_nul_in_a_home_name_is_refused_next_to_the_field_and_kept(client_request, db_session):
    provider = create_user(db_session, Role.PROVIDER)
    client_request.login(provider)
    page = client_request.post("/homes/new", home_form(db_session, name="Oak\x00House"), expected_status=400).get_data(
        as_text=True
    )
    assert (
        "Name of the home or service contains a character that cannot be stored (a control character). Remove it."
        in html.unescape(page)
    )
    assert 'value="Oak\x00House"' in page
    assert (
        db_session.scalar(select(ProviderHome).where(ProviderHome.organisation_id == provider.organisation_id)) is None
    )


@pytest.mark.parametrize("value", ["\x00", "Bad\x1bname", "Carriage\rreturn"])
def test_control_characters_in_a_sign_up_are_refused_on_either_database(client_request, value):
    page = client_request.post(
        "/sign-up",
        {
            "organisation_name": value,
            "full_name": "Ada",
            "job_title": "Manager",
            "email": "ada@example.com",
            "password": "correct horse battery staple",
            "confirm_password": "correct horse battery staple",
        },
        expected_status=400,
    ).get_data(as_text=True)
    assert "Organisation name contains a character that cannot be stored" in page
