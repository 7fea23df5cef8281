"""Stale-tab protection, the one way for every area (kernel: knows no area).

A page that changes a record carries the version of the record it showed (`version_of` the values
the area compares, in the hidden field `seen_field()`); the area's service re-reads the record under
a write lock (`lock`), in the transaction that writes it, and raises `ChangedMeanwhile` if the
version sent is not the version now (`check_seen`). The app answers that exception with one 409
page (`changed_meanwhile_page`): "This <thing> was changed by someone else while you had it open",
with a link back to the page as it is now. A route that keeps what was typed names its own form page
first (`show_again`): the page is that template with what was typed, the record as it is now and the
version now in its hidden field, so that saving again replaces the other change knowingly."""

import hashlib
import json
from dataclasses import dataclass

from flask import Flask, g, render_template, request
from wtforms import HiddenField

SEEN = "seen"  # the hidden field's name on every form that carries a version seen
VERSION_LENGTH = 20  # hex digits of SHA-256: 80 bits, unique enough for one record's versions


def version_of(*values) -> str:
    """A short stable fingerprint of the values an area compares (a record's fields, ids...): the
    same values give the same version in any process; JSON-like values, with anything else (dates,
    enums) as its text. Sets must be passed sorted (as lists): their order is not stable."""
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:VERSION_LENGTH]


def seen_field() -> HiddenField:
    """The hidden field (name it `seen`) a page sends back with the version of the record it showed."""
    return HiddenField()


def seen_in(form) -> str | None:
    """The version the form's page showed; None if none was sent (the check is then not made)."""
    sent = form[SEEN].data if SEEN in form else None
    return sent if isinstance(sent, str) and sent else None


class ChangedMeanwhile(Exception):
    """Someone changed the record after the page sending this change was opened: nothing was saved.

    `thing` names the record in the page's heading ("home", "named contact"); `by` who changed it
    if known ("Bo Admin", "you (in another tab)"); `detail` a sentence more ("It is now resolved.");
    `current` the record as it is now, for a page shown again, and `version` its version (set by
    `check_seen`). The page showing it as it is now is the route's (`back_to`), else the page
    posted to."""

    def __init__(
        self,
        thing: str,
        by: str | None = None,
        detail: str = "",
        current: object | None = None,
    ):
        self.thing, self.by, self.detail = thing, by, detail
        self.current = current
        self.version: str | None = None
        super().__init__(self.heading)

    @property
    def heading(self) -> str:
        return f"This {self.thing} was changed by {self.by or 'someone else'} while you had it open"


def check_seen(seen: str | None, version_now: str, changed: "ChangedMeanwhile") -> None:
    """Raises `changed` (given the version now) if a version was sent and it is not `version_now`.
    Call it in the service, after `lock`, in the transaction that then writes."""
    if seen is not None and seen != version_now:
        changed.version = version_now
        raise changed


def lock(session, record) -> None:
    """Re-reads the record's row under a write lock held until the transaction ends, so that a
    comparison with what a page showed and the write that follows cannot be overtaken by another
    request. PostgreSQL: SELECT ... FOR UPDATE (another request's lock waits for this commit).
    SQLite: the portal's transactions BEGIN IMMEDIATE (db.py), so the database's write lock is held
    already; the re-read still sees what another request committed before this one began."""
    session.refresh(record, with_for_update=True)


@dataclass(frozen=True)
class _ShownAgain:
    template: str
    context: dict
    current_as: str | None


def show_again(template: str, current_as: str | None = None, **context) -> None:
    """Names the page that shows what was typed if this request's change meets `ChangedMeanwhile`:
    `template` with `context` (its `form` as typed), the record as it is now as `current_as`."""
    g.changed_meanwhile_page = _ShownAgain(template, context, current_as)


def back_to(url: str) -> None:
    """Names the page showing the record as it is now, if this request meets `ChangedMeanwhile` (by
    default the page posted to, whose GET shows it fresh)."""
    g.changed_meanwhile_back_url = url


def changed_meanwhile_page(error: ChangedMeanwhile):
    """The one answer to ChangedMeanwhile, 409: the route's page shown again (`show_again`), or the
    page saying what happened with a link back to the record as it is now."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()  # nothing of the refused change is kept
    back_url = g.get("changed_meanwhile_back_url") or request.path
    shown: _ShownAgain | None = g.get("changed_meanwhile_page")
    if shown is None:
        return render_template("errors/409.html", changed=error, back_url=back_url), 409
    context = dict(shown.context)
    if shown.current_as is not None and error.current is not None:
        context[shown.current_as] = error.current
    form = context.get("form")
    if form is not None and SEEN in form and error.version is not None:
        form[SEEN].data = error.version  # saving again from this page replaces theirs, knowingly
    return render_template(shown.template, changed=error, back_url=back_url, **context), 409


def init_app(app: Flask) -> None:
    app.register_error_handler(ChangedMeanwhile, changed_meanwhile_page)
