"""GM First Covenant Portal: the Flask application factory."""
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from covenant_portal import access, db, errors, security
from covenant_portal.signing import portal_key as signing_portal_key
from covenant_portal.config import load_config

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


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
    _register_blueprints(app)
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


def _register_blueprints(app: Flask) -> None:
    from covenant_portal.accounts.routes import blueprint as accounts
    from covenant_portal.attestations.calendar_routes import blueprint as return_calendar
    from covenant_portal.attestations.compliance_routes import blueprint as compliance
    from covenant_portal.attestations import evidence_routes, routes, submission_routes  # noqa: F401 (their views)
    from covenant_portal.attestations.blueprint import blueprint as returns
    from covenant_portal.admin.routes import blueprint as admin
    from covenant_portal.audit.routes import blueprint as audit
    from covenant_portal.contacts.routes import blueprint as contacts
    from covenant_portal.covenant.routes import blueprint as covenant
    from covenant_portal.homes.routes import blueprint as homes
    from covenant_portal.jobs.routes import blueprint as jobs
    from covenant_portal.mail.routes import blueprint as mail
    from covenant_portal.pages.routes import blueprint as pages
    from covenant_portal.signing import tlog_routes, witness_routes  # noqa: F401 (their views)
    from covenant_portal.signing.routes import blueprint as signing

    for blueprint in (pages, accounts, admin, audit, mail, jobs, covenant, signing, contacts, homes, returns,
                      compliance, return_calendar):
        app.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    from covenant_portal.cli import register_commands

    register_commands(app)
