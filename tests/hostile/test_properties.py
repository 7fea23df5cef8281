"""Issue 11, point 11, beyond the fixed corpus: text Hypothesis makes up (any code points, control
characters included, mixed with the corpus's markers) typed into a few representative fields.
Never a server error, a control character always refused next to the field, nothing unescaped."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from covenant_portal.web.forms import control_character_in
from tests.conftest import csrf_token_in
from tests.hostile.conftest import browser_for
from tests.hostile.corpus import FORMULAS, MARKERS, unescaped_markers
from tests.homes.homes import home_form

TEXT = st.one_of(
    st.text(max_size=300),
    st.builds(lambda a, b: a + b, st.sampled_from([MARKERS, *FORMULAS.values(), "\x00", "\r"]), st.text(max_size=50)),
)
FIELDS = {
    "home name": ("/homes/new", "name"),
    "pledge narrative": ("/returns/{w.draft_return.id}/pledges/1", "narrative"),
    "contact name": ("/contacts/new", "name"),
}


@pytest.mark.parametrize("where", sorted(FIELDS))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=TEXT)
def test_made_up_text_is_saved_or_refused_but_never_breaks_a_page(hostile, where, typed):
    url, field = FIELDS[where]
    url = url.format(w=hostile.world)
    browser = browser_for(hostile, "provider")
    home = home_form(hostile.session)  # before the savepoint: the test's session keeps its own
    savepoint = hostile.connection.begin_nested()
    try:
        page = browser.client.get(url).get_data(as_text=True)
        data = {"csrf_token": csrf_token_in(page), field: typed}
        if where == "home name":
            data = {**home, **data}
        elif where == "pledge narrative":
            data = {**data, "status": "partly_met", **_hidden(page)}
        else:
            data = {**data, "role": "Manager", "email": "p@example.org", "phone": "0161 496 0000"}
        response = browser.client.post(url, data=data)
        assert response.status_code < 500, (where, typed)
        html = response.get_data(as_text=True)
        assert unescaped_markers(html) == []
        if control_character_in(typed.strip()):
            assert response.status_code == 400 and "cannot be stored (a control character)" in html
    finally:
        savepoint.rollback()


def _hidden(page: str) -> dict:
    from tests.hostile.pages import forms_on

    [form] = [form for form in forms_on(page) if form.method == "post" and "narrative" in form.fields]
    return {name: item.value for name, item in form.fields.items() if item.kind == "hidden" and name != "csrf_token"}
