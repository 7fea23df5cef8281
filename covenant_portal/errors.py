"""GOV.UK-styled error pages that keep the status code of the error they explain."""

import logging

from flask import Flask, g, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from covenant_portal.access import refusal

logger = logging.getLogger(__name__)

PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    # Raised wherever a request body is over MAX_CONTENT_LENGTH, or a form field over
    # MAX_FORM_MEMORY_SIZE (/verify answers with its own form instead: see signing/routes.py).
    413: "errors/413.html",
    429: "errors/429.html",
}

# The bare page served if even the error page cannot be rendered (for example the database is down
# and the layout needs the signed-in user).
LAST_RESORT = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem with the service – GM First Covenant Portal</title></head>"
    "<body><h1>Sorry, there is a problem with the service</h1><p>Try again later.</p></body></html>"
)


def form_expired(_error: CSRFError):
    # The token is checked before the view runs, so what the person typed is gone: say so plainly.
    return render_template("errors/form_expired.html"), 400


def http_error(error: HTTPException):
    code = error.code or 500
    if code == 403:  # the page says who it is for and whom to ask, fitting the person refused
        return render_template(PAGES[code], refusal=refusal(current_user)), code
    return render_template(PAGES[code]), code


def server_error(_error):
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    try:
        return render_template("errors/500.html"), 500
    except Exception:  # the page of last resort must not fail in its turn (logged below)
        logger.exception("the 500 page could not be rendered")
        return LAST_RESORT, 500


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, form_expired)
    for code in PAGES:
        app.register_error_handler(code, http_error)
    app.register_error_handler(500, server_error)
