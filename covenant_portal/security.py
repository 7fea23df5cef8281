"""Security baseline: CSRF on every form, security headers and CSP, login sessions."""

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Sign in to see this page."
login_manager.login_message_category = "info"
# "basic", not "strong": Flask-Login's session identifier hashes the client's IP address (read from
# X-Forwarded-For, which the client controls) and user agent, so "strong" would sign out people on
# mobile networks or VPNs while stopping little. Sessions are instead protected by HttpOnly, Secure
# and SameSite cookies, an idle timeout, and the user's session_version (bumped on password change
# or deactivation). Nothing uses fresh_login_required yet; "basic" keeps freshness meaningful if it does.
login_manager.session_protection = "basic"
# The accounts area installs the user loader when it registers (covenant_portal/accounts/area.py).


def init_app(app: Flask) -> None:
    production = app.config["PRODUCTION"]
    trusted_proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies, x_host=trusted_proxies)  # type: ignore[method-assign]
    csrf.init_app(app)
    login_manager.init_app(app)
    Talisman(
        app,
        force_https=production,
        strict_transport_security=production,
        strict_transport_security_max_age=31536000,
        session_cookie_secure=production,
        session_cookie_http_only=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
        frame_options="DENY",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    app.session_interface = NoCookieOnPublicResponses()
    app.after_request(_no_store_for_signed_in_pages)
    app.after_request(_neutral_server_header)


class NoCookieOnPublicResponses(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a response any cache may keep (Cache-Control:
    public: tiles, checkpoints, the keys document, proofs) sets no cookie unless its request changed
    the session. A permanent session (kept after signing out, too) is otherwise re-sent, with its
    expiry moved on, on every response: a person's cookie on a response meant for everyone, which
    shared caches then refuse to keep. Such a response is never about the person: signed in, every
    response is no-store (below), so it is public only for a browser that is not signed in."""

    def save_session(self, app: Flask, session, response) -> None:
        if response.cache_control.public and not session.modified:
            return
        super().save_session(app, session, response)


# What every response says its server is: nothing about the software or its version. gunicorn
# drops an app's Server header and writes its own, which gunicorn.conf.py sets to this; behind
# any other server (a test client, a proxy that passes it on) the app's header is this too.
# (`flask run`, for development only, adds "Werkzeug/... Python/..." whatever the app says.)
SERVER_HEADER = "covenant-portal"


def _neutral_server_header(response):
    response.headers["Server"] = SERVER_HEADER
    return response


def _no_store_for_signed_in_pages(response):
    # Pages about a signed-in person must not be kept by the browser or a shared cache. Static
    # files are the same for everyone (and checking them would load the user for nothing).
    if request.endpoint != "static" and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response
