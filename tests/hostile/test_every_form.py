"""Issue 11, point 11: every form of every area, as its persona fills it in, gets the hostile
corpus (tests/hostile/corpus.py) in every field: never a server error, a clear message next to a
field where a value breaks a rule, and no marker unescaped on any page that shows what was sent.
The forms come from the app: a POST route or a form class that tests/hostile/catalogue.py does not
list fails the suite."""

import pytest

from covenant_portal.web.forms import PortalForm
from tests.hostile.catalogue import TARGETS, data_for
from tests.hostile.conftest import browser_for
from tests.hostile.corpus import CONTROL_CHARACTERS, DATES, LONG, MARKERS, NUMBERS, TEXT, unescaped_markers
from tests.hostile.pages import form_for
from tests.hostile.test_control_characters import every_form_class

FORM_CLASSES = {form.__name__: form for form in every_form_class() - {PortalForm}}
EVERY_FIELD = {"NUL": CONTROL_CHARACTERS["NUL"], **NUMBERS, **DATES, "markers": MARKERS}
FREE_TEXT = {**TEXT, **CONTROL_CHARACTERS}


def test_every_post_route_and_form_class_has_a_target(hostile_app):
    posted = {rule.endpoint for rule in hostile_app.url_map.iter_rules() if "POST" in rule.methods}
    listed = {target.endpoint for target in TARGETS if target.method in ("post", "raw")}
    assert sorted(posted - listed) == [], "POST routes the hostile suite does not reach"
    assert sorted(listed - posted) == [], "targets for routes the app does not have"
    named = {name for target in TARGETS for name in target.forms}
    assert sorted(named - set(FORM_CLASSES)) == []
    covered = [FORM_CLASSES[name] for name in named]
    left_out = [name for name, form in FORM_CLASSES.items() if not any(issubclass(used, form) for used in covered)]
    assert left_out == [], "form classes the hostile suite does not fill in"


def test_the_form_check_names_a_form_class_left_out():
    class Unlisted(PortalForm):
        pass

    covered = [FORM_CLASSES[name] for target in TARGETS for name in target.forms]
    assert not any(issubclass(used, Unlisted) for used in covered)


class Sender:
    """Sends the target's form, each time from the world as it was built (a savepoint rolled back
    after), and checks the answer, the page it leads to and the pages that show what was saved."""

    def __init__(self, hostile, browser, target, url, made_forms):
        self.hostile, self.browser, self.target, self.url = hostile, browser, target, url
        self.made_forms = made_forms

    def send(self, data: dict):
        client = self.browser.client
        savepoint = self.hostile.connection.begin_nested()
        try:
            with self.made_forms.recording():
                if self.target.method == "get":
                    response = client.get(self.url, query_string=data)
                else:
                    response = client.post(self.url, data=data)
            self.check(response, data)
            if response.status_code in (301, 302, 303) and response.location.startswith("/"):
                self.check(client.get(response.location), data)
                for shown in self.target.shown_at:
                    self.check(client.get(shown.format(w=self.hostile.world)), data)
            assert savepoint.is_active, ("the request ended the test's transaction", str(self.target), _short(data))
            return response
        finally:
            savepoint.rollback()

    def check(self, response, data):
        assert response.status_code < 500, (str(self.target), response.status_code, _short(data))
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            assert unescaped_markers(html) == [], (str(self.target), _short(data))


def _short(data: dict) -> dict:
    return {name: (value[:40] if isinstance(value, str) else value) for name, value in data.items()}


def field_error(response, name: str) -> bool:
    return f'id="{name}-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("target", [target for target in TARGETS if target.method != "raw"], ids=str)
def test_hostile_values_in_every_field(hostile, target, made_forms):
    world = hostile.world
    browser = browser_for(hostile, target.persona)
    url = target.url.format(w=world)
    page_url = (target.page or target.url).format(w=world)
    page = browser.client.get(page_url)
    assert page.status_code == 200, (str(target), page.status_code, page.location)
    form = form_for(page.get_data(as_text=True), url, page_url, target.method)
    base = {**form.filled(), **data_for(target, hostile.session)}
    typed = [item.name for item in form.fields.values() if item.typed and item.name != "csrf_token"]
    chosen = [item.name for item in form.fields.values() if not item.typed and item.kind != "file"]
    sender = Sender(hostile, browser, target, url, made_forms)

    for value in EVERY_FIELD.values():
        sender.send({**base, **{name: value for name in typed + chosen}})
    for first in range(0, len(typed), 10):  # one long value per field is enough (1 MB a request at most)
        sender.send({**base, **{name: LONG for name in typed[first : first + 10]}})
    # Fields that take words as they are typed (names, narratives...): every value saved or refused.
    visible = [name for name in typed if form.fields[name].kind != "hidden"]
    tried = sender.send({**base, **{name: "Plain words 🙂" for name in visible}})
    free = [name for name in visible if not field_error(tried, name)]
    for label, value in FREE_TEXT.items():
        response = sender.send({**base, **{name: value for name in free}})
        if label in CONTROL_CHARACTERS and free and target.method == "post":
            assert response.status_code == 400 and "cannot be stored (a control character)" in response.get_data(
                as_text=True
            ), (str(target), label, free, response.status_code)
    assert set(made_forms.names) <= set(target.forms), (str(target), sorted(set(made_forms.names)))
    assert set(target.forms) <= set(made_forms.names), (str(target), sorted(set(made_forms.names)))
