"""A page as a user reads it: parsed with BeautifulSoup, so tests ask for the title, the heading,
the error messages or a summary list's values instead of searching the HTML for substrings.
`client_request.get_page(...)` returns one; so does `response.page` on any HTML response."""

import re

from bs4 import BeautifulSoup, Tag

SPACES = re.compile(r"\s+")
PORTAL = " – GM First Covenant Portal"


def words(text: str) -> str:
    """Text as it reads: runs of white space (new lines, indentation) as one space, trimmed."""
    return SPACES.sub(" ", text).strip()


def text_of(element: Tag | None) -> str:
    return words(element.get_text(" ")) if element is not None else ""


class Page:
    def __init__(self, html: str):
        self.html = html
        self.soup = BeautifulSoup(html, "html.parser")

    def __repr__(self) -> str:
        return f"<Page {self.title!r}>"

    def __contains__(self, text: str) -> bool:
        """`"Saved" in page`: the words are anywhere on the page (header and footer too), as it reads:
        tags and line breaks aside. `page.text` is the main part only."""
        return words(text) in text_of(self.soup.body or self.soup)

    # What every page has.
    @property
    def title(self) -> str:
        """The <title>, without the portal's name after it."""
        return text_of(self.soup.title).removesuffix(PORTAL)

    @property
    def h1(self) -> str:
        return text_of(self.soup.find("h1"))

    @property
    def main(self) -> Tag:
        return self.soup.find("main") or self.soup

    @property
    def text(self) -> str:
        """The words of the main part of the page (not the header, navigation or footer)."""
        return text_of(self.main)

    # Finding things.
    def select(self, css: str) -> list[Tag]:
        return self.soup.select(css)

    def select_one(self, css: str) -> Tag:
        found = self.soup.select_one(css)
        assert found is not None, f"nothing on {self!r} matches {css!r}"
        return found

    def texts(self, css: str) -> list[str]:
        """The words of each element matching `css`."""
        return [text_of(element) for element in self.select(css)]

    def links(self) -> dict[str, str]:
        """The main part's links: their words and where they go."""
        return {text_of(link): link["href"] for link in self.main.select("a[href]")}

    def link(self, text: str) -> str:
        """Where the link with these words goes."""
        found = [link["href"] for link in self.main.select("a[href]") if text_of(link) == text]
        assert found, f"no link {text!r} on {self!r}: {sorted(self.links())}"
        return found[0]

    # GOV.UK Frontend components.
    @property
    def error_summary(self) -> list[str]:
        """The error summary's messages, in order (empty when there is no error)."""
        return self.texts(".govuk-error-summary__list li")

    @property
    def error_messages(self) -> list[str]:
        """The messages next to the fields, without the hidden "Error:" read out before each."""
        return [message.removeprefix("Error:").strip() for message in self.texts(".govuk-error-message")]

    def error_for(self, field: str) -> str:
        """The message next to the field (its name or id), "" if it has none."""
        control = self.soup.find(attrs={"name": field}) or self.soup.find(id=field)
        assert control is not None, f"no field {field!r} on {self!r}"
        group = control.find_parent(class_="govuk-form-group")
        if group is not None and group.find_parent(class_="govuk-date-input__item") is not None:
            group = group.find_parent(class_="govuk-form-group")  # a date input's box: the date's message
        message = group.select_one(".govuk-error-message") if group is not None else None
        return text_of(message).removeprefix("Error:").strip()

    def summary_list(self, css: str = ".govuk-summary-list") -> dict[str, str]:
        """The first summary list matching `css` (or inside an element matching it), key to value."""
        found = self.select_one(css)
        rows = found.select(".govuk-summary-list__row")
        return {
            text_of(row.select_one(".govuk-summary-list__key")): text_of(row.select_one(".govuk-summary-list__value"))
            for row in rows
        }

    def table(self, css: str = "table") -> list[list[str]]:
        """The rows of the first table matching `css` (its head row first), each a list of cell words."""
        return [[text_of(cell) for cell in row.select("th, td")] for row in self.select_one(css).select("tr")]

    @property
    def notification_banner(self) -> str:
        return text_of(self.soup.select_one(".govuk-notification-banner"))

    @property
    def panel(self) -> str:
        return text_of(self.soup.select_one(".govuk-panel"))

    def value_of(self, name: str) -> str | None:
        """What the form field holds: an input's value, a textarea's text, the checked radio's value."""
        controls = self.soup.find_all(attrs={"name": name})
        assert controls, f"no field {name!r} on {self!r}"
        for control in controls:
            if control.name == "textarea":
                return control.get_text()
            if control.name == "select":
                chosen = control.find("option", selected=True)
                return chosen.get("value") if chosen else None
            if control.get("type") in ("radio", "checkbox"):
                if control.has_attr("checked"):
                    return control.get("value")
                continue
            return control.get("value", "")
        return None
