"""Reading a page's forms as a browser would: each <form>'s method, action and fields."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

TEXT_INPUTS = {"text", "email", "search", "tel", "url", "number", "password", "hidden", ""}


@dataclass
class Field:
    name: str
    kind: str  # an input type, "textarea", "select", "radio", "checkbox" or "file"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def typed(self) -> bool:
        """A field a person types into (or a hidden one a page fills in), as opposed to choosing."""
        return self.kind in TEXT_INPUTS or self.kind == "textarea"


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)
    button_actions: list[str] = field(default_factory=list)  # formaction of its buttons

    def filled(self) -> dict:
        """What the browser would send as the page stands (the first option of a choice not made)."""
        data = {}
        for item in self.fields.values():
            if item.kind == "file":
                continue
            if item.kind in ("radio", "select"):
                chosen = item.checked or [next((option for option in item.options if option), "")]
                data[item.name] = chosen[0]
            elif item.kind == "checkbox":
                if item.checked:
                    data[item.name] = item.checked if len(item.checked) > 1 else item.checked[0]
            else:
                data[item.name] = item.value
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(attributes.get("method", "get").lower(), attributes.get("action", ""))
            self.forms.append(self._form)
        if self._form is not None and tag in ("button", "input") and attributes.get("formaction"):
            self._form.button_actions.append(attributes["formaction"])
        if self._form is None or ("name" not in attributes and tag != "option"):
            return
        name = attributes.get("name", "")
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            item = self._form.fields.setdefault(name, Field(name, kind))
            if kind in ("radio", "checkbox"):
                item.options.append(attributes.get("value", "on"))
                if "checked" in attributes:
                    item.checked.append(attributes.get("value", "on"))
            else:
                item.value = attributes.get("value", "")
        elif tag == "textarea":
            self._textarea = self._form.fields.setdefault(name, Field(name, "textarea"))
        elif tag == "select":
            self._select = self._form.fields.setdefault(name, Field(name, "select"))
        elif tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))
            if "selected" in attributes:
                self._select.checked.append(attributes.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_on(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_for(html: str, url: str, page_url: str, method: str = "post") -> Form:
    """The form on the page at `page_url` that sends to `url` (a form without an action sends to
    its page; a button's formaction sends its form elsewhere)."""
    path = urlsplit(url).path
    for form in forms_on(html):
        targets = [urlsplit(action).path for action in form.button_actions]
        targets.append(urlsplit(form.action).path or urlsplit(page_url).path)
        if form.method == method and path in targets:
            return form
    raise AssertionError(f"no {method} form on {page_url} sends to {path}")
