"""GM First Covenant Portal: the Flask application factory."""

from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from covenant_portal import access, db, errors, security
from covenant_portal.signing import portal_key as signing_portal_key
from covenant_portal.config import load_config
from covenant_portal.web import ids, stale
from covenant_portal.web.areas import register_areas

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def create_app(test_config: dict | None = None, instance_path: str | Path | None = None) -> Flask:
    """The portal. test_config replaces the FLASK_* environment variables; instance_path moves the
    instance folder (development secret key and SQLite database) away from ./instance."""
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, test_config)
    _configure_templates(app)
    db.init_app(app)
    signing_portal_key.init_app(app)
    # Access is checked before CSRF so that an unauthorised request is refused the same way
    # whether or not it carries a token.
    access.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    stale.init_app(app)  # ChangedMeanwhile, raised by any area's service, answers the one 409 page
    ids.init_app(app)  # before any route is added, so every <int:...> is bounded
    register_areas(app, portal_areas())
    _register_cli(app)
    access.check_every_view_declares_access(app)
    return app


def _configure_templates(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from covenant_portal import filters

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(TEMPLATES_DIR),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    filters.init_app(app)


def portal_areas() -> list:
    """Every area, in the order its dashboard panels and jobs are listed. Imported here, when an app
    is made, so that importing any module of the package never loads the whole portal."""
    from covenant_portal.accounts.area import AREA as accounts
    from covenant_portal.admin.area import AREA as admin
    from covenant_portal.audit.area import AREA as audit
    from covenant_portal.concerns.area import AREA as concerns
    from covenant_portal.contacts.area import AREA as contacts
    from covenant_portal.conversations.area import AREA as conversations
    from covenant_portal.covenant.area import AREA as covenant
    from covenant_portal.expansions.area import AREA as expansions
    from covenant_portal.health.area import AREA as health
    from covenant_portal.homes.area import AREA as homes
    from covenant_portal.jobs.area import AREA as jobs
    from covenant_portal.mail.area import AREA as mail
    from covenant_portal.observatory.area import AREA as observatory
    from covenant_portal.pages.area import AREA as pages
    from covenant_portal.returns.area import AREA as returns
    from covenant_portal.signing.area import AREA as signing

    return [
        pages,
        accounts,
        admin,
        audit,
        mail,
        jobs,
        covenant,
        signing,
        contacts,
        homes,
        returns,
        expansions,
        conversations,
        observatory,
        concerns,
        health,
    ]


def _register_cli(app: Flask) -> None:
    from covenant_portal.cli import register_commands

    register_commands(app)
