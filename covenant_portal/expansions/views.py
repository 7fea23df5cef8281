"""What the expansions area's routes share: a one-field form posted from a proposal's page, and the
service's messages shown beside what a form refused itself."""

from collections.abc import Callable

from flask import flash, redirect

from covenant_portal.expansions.common import ExpansionError, Invalid
from covenant_portal.web.forms import add_error


def posted(form, field: str, action: Callable[[], object], done: str, back: str, again: Callable[[], object]):
    """Runs `action` for a valid form and goes `back` with `done` (or the service's refusal) said;
    a form that breaks a rule is shown `again` with the message next to its field."""
    if form.validate_on_submit():
        try:
            action()
        except Invalid as invalid:
            add_error(form, field, invalid.errors.get(field, str(invalid)))
            return again()
        except ExpansionError as error:
            flash(str(error), "error")
            return redirect(back)
        flash(done, "success")
        return redirect(back)
    return again()


def show_problems(form, problems: dict[str, str]) -> None:
    """Shows the service's messages (its rules, checked on what was typed) next to their fields,
    beside what the form refused itself (a control character, child-identifying data, a date that
    is not one): every field's problem at once, one a field, so none waits for the next submit."""
    for name, message in problems.items():
        if name in form and not form[name].errors:
            add_error(form, name, message)
