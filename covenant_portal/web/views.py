"""View helpers shared by every area's routes (kernel: knows no area)."""

from dataclasses import dataclass, field

from flask import current_app, render_template, url_for
from flask_login import current_user

from covenant_portal.access import rule_for
from covenant_portal.mail.links import Links


def signed_in_user():
    """The signed-in user itself rather than Flask-Login's proxy, for services and the audit trail."""
    return current_user._get_current_object()


def email_links() -> Links:
    """The app's `Links` (base URL and token secret), for the services that email links."""
    return Links.from_app(current_app)


def form_page(template: str, form, **context):
    """A form page: 400 when a submitted form is shown again with its errors."""
    return render_template(template, form=form, **context), 400 if form.errors else 200


def link(endpoint: str, **values) -> str | None:
    """The URL of a page if the signed-in user may open it, otherwise None (so the page shows no
    link). An endpoint that does not exist is a programming error, so it fails loudly."""
    if endpoint not in current_app.view_functions:
        raise LookupError(f"no view is called {endpoint!r}")
    if not rule_for(current_app, endpoint).permits(current_user):
        return None
    return url_for(endpoint, **values)


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page of an irreversible or destructive action says (confirm.html)."""

    heading: str  # the question, e.g. "Remove Priya Shah as a named contact?"
    consequences: list[str]  # what will happen, each in a sentence
    button: str  # the action, e.g. "Remove Priya Shah"
    action_url: str  # where the button posts: the action's own URL
    cancel_url: str
    caption: str | None = None
    warning: str = "You cannot undo this."
    details: dict = field(default_factory=dict)  # anything more a page's own template shows


def confirmation_page(confirmation: Confirmation, template: str = "confirm.html"):
    return render_template(template, confirmation=confirmation)
