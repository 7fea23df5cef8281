"""Configuration: defaults, then FLASK_* environment variables, then DATABASE_URL.

Every setting is documented in the README's configuration table.
"""

import os
import secrets
from pathlib import Path

from flask import Flask

from covenant_portal.private_files import write_private_file_once


class ConfigurationError(RuntimeError):
    """The portal cannot start safely with the configuration it was given."""


DEFAULTS = {
    "ENV_NAME": "development",
    "SERVICE_NAME": "GM First Covenant Portal",
    "BASE_URL": "http://127.0.0.1:5000",
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "GM First Covenant Portal <no-reply@gm-first.example>",
    "MAIL_TIMEOUT_SECONDS": 10,
    "MAIL_MAX_ATTEMPTS": 6,
    "MAIL_BATCH_SIZE": 100,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_IP": 20,
    "LOGIN_THROTTLE_WINDOW_MINUTES": 15,
    # Public forms that send email (sign-up, new confirmation link, forgotten password): at most
    # so many requests for one address, and from one IP address, in the window; more send nothing.
    "EMAIL_REQUEST_MAX_PER_ADDRESS": 5,
    "EMAIL_REQUEST_MAX_PER_IP": 30,
    "EMAIL_REQUEST_WINDOW_MINUTES": 60,
    "EMAIL_TOKEN_MAX_AGE_HOURS": 48,
    "REMEMBER_COOKIE_DAYS": 30,
    "SESSION_LIFETIME_MINUTES": 60,
    "SCHEDULER_LOCK_FILE": "",
    # How long a job's claim on its slot lasts: a slot still "running" this long after it started
    # (its process was killed) is taken over by the next scheduler or `flask jobs run`. Longer than
    # any job takes.
    "JOB_LEASE_MINUTES": 60,
    # GET /healthz answers 503 when the scheduler's heartbeat (written every minute) is older than
    # this, or when an email has waited unsent in the outbox for longer than HEALTH_MAIL_STUCK_MINUTES.
    "HEALTH_SCHEDULER_SILENT_MINUTES": 5,
    "HEALTH_MAIL_STUCK_MINUTES": 30,
    # Tests only: names of crash points (covenant_portal/signing/crash_points.py), comma-separated,
    # at which the process kills itself. Refused in production.
    "CRASH_POINTS_FOR_TESTS": "",
    "PASSWORD_HASH_PROFILE": "RFC_9106_LOW_MEMORY",
    "WTF_CSRF_TIME_LIMIT": None,
    # How many reverse proxies (load balancer, TLS terminator) stand in front of the portal and are
    # trusted to report the client's IP address and scheme; 0 when it is reached directly.
    "TRUSTED_PROXIES": 0,
    # The Ed25519 private key (PEM) the portal signs records with. Empty: in development one is made
    # in the instance folder; in production the portal refuses to start.
    "SIGNING_KEY_FILE": "",
    # The origin line of the ledger's signed checkpoints (and the key name in their signatures):
    # empty for BASE_URL without its scheme. Set it once, before the first checkpoint: never change it.
    "LEDGER_ORIGIN": "",
    # The largest request body, and form text, accepted (Flask settings): room for a 1 MB receipt
    # uploaded or pasted at /verify, which says clearly when one is larger.
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
    # Days after a quarterly return opens (the day after its quarter ends) that it is due; a due date
    # on a weekend or an England bank holiday moves to the next working day.
    "RETURN_DUE_DAYS": 28,
    "COVENANT_RESIGN_GRACE_WEEKS": 8,
    # Where evidence files of quarterly returns are kept (outside the web root, under random names).
    # Empty: the instance folder's evidence/. Made with mode 0700 if it is not there.
    "EVIDENCE_DIR": "",
    # A Word or Excel evidence file is a zip of parts: at most this big once unzipped, and of at
    # most this many parts (so a small file cannot inflate to gigabytes when opened).
    "EVIDENCE_MAX_UNZIPPED_MB": 100,
    "EVIDENCE_MAX_PARTS": 1000,
}

MINIMUM_SECRET_KEY_LENGTH = 32


def load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    app.config.setdefault("DATABASE_URL", os.environ.get("DATABASE_URL") or default_database_url(app))
    app.config["PRODUCTION"] = app.config["ENV_NAME"] == "production"
    _refuse_test_password_hashing_in_production(app)
    _refuse_crash_points_in_production(app)
    _configure_secret_key(app)
    _configure_cookies(app)


def default_database_url(app: Flask) -> str:
    return f"sqlite:///{Path(app.instance_path) / 'covenant_portal.sqlite'}"


SECRET_KEY_ADVICE = (
    "In production the portal needs a long random secret key: set FLASK_SECRET_KEY (for example to "
    "the output of `python -c 'import secrets; print(secrets.token_hex(32))'`)."
)


def _refuse_test_password_hashing_in_production(app: Flask) -> None:
    if app.config["PRODUCTION"] and app.config["PASSWORD_HASH_PROFILE"] != DEFAULTS["PASSWORD_HASH_PROFILE"]:
        raise ConfigurationError(
            "FLASK_PASSWORD_HASH_PROFILE is for tests only: unset it in production, where passwords are "
            f"hashed with argon2's {DEFAULTS['PASSWORD_HASH_PROFILE']} profile."
        )


def _refuse_crash_points_in_production(app: Flask) -> None:
    if app.config["PRODUCTION"] and app.config["CRASH_POINTS_FOR_TESTS"]:
        raise ConfigurationError(
            "FLASK_CRASH_POINTS_FOR_TESTS makes the portal kill itself on purpose, for tests only: unset it in production."
        )


def _configure_secret_key(app: Flask) -> None:
    secret_key = app.config.get("SECRET_KEY")
    if app.config["PRODUCTION"]:
        if not secret_key:
            raise ConfigurationError(f"FLASK_SECRET_KEY is not set. {SECRET_KEY_ADVICE}")
        if len(str(secret_key)) < MINIMUM_SECRET_KEY_LENGTH:
            raise ConfigurationError(
                f"FLASK_SECRET_KEY is too short ({MINIMUM_SECRET_KEY_LENGTH} characters or more). {SECRET_KEY_ADVICE}"
            )
    if not secret_key:
        app.config["SECRET_KEY"] = read_or_create_instance_secret(Path(app.instance_path) / "secret_key")


def read_or_create_instance_secret(path: Path) -> str:
    """A development secret kept in the instance folder, readable only by its owner."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    return write_private_file_once(path, secrets.token_hex(32).encode()).decode().strip()


def _configure_cookies(app: Flask) -> None:
    from datetime import timedelta

    secure = app.config["PRODUCTION"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_DURATION=timedelta(days=int(app.config["REMEMBER_COOKIE_DAYS"])),
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=int(app.config["SESSION_LIFETIME_MINUTES"])),
    )
