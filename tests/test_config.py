"""Configuration: defaults, FLASK_* environment variables, DATABASE_URL, and the secret key."""

import os
import stat

import pytest

from covenant_portal import create_app
from covenant_portal.config import ConfigurationError
from tests.conftest import TEST_SIGNING_KEY_FILE

LONG_SECRET = "9f2c" * 16


@pytest.fixture
def environment(monkeypatch):
    """The process environment, cleared of anything that configures the portal."""
    for name in list(os.environ):
        if name.startswith("FLASK_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    return monkeypatch


def test_in_development_a_secret_key_is_made_in_the_instance_folder_and_kept(environment, tmp_path):
    instance = tmp_path / "instance"
    first = create_app(instance_path=instance)
    key_file = instance / "secret_key"
    assert first.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert create_app(instance_path=instance).config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_in_development_the_database_is_sqlite_in_the_instance_folder(environment, tmp_path):
    app = create_app(instance_path=tmp_path)
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'covenant_portal.sqlite'}"
    assert not app.config["SESSION_COOKIE_SECURE"]


def test_production_refuses_to_start_without_a_secret_key(environment, tmp_path):
    environment.setenv("FLASK_ENV_NAME", "production")
    with pytest.raises(ConfigurationError, match="set FLASK_SECRET_KEY"):
        create_app(instance_path=tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_a_short_secret_key(environment, tmp_path):
    environment.setenv("FLASK_ENV_NAME", "production")
    environment.setenv("FLASK_SECRET_KEY", "password123")
    with pytest.raises(ConfigurationError, match="FLASK_SECRET_KEY is too short"):
        create_app(instance_path=tmp_path)


def test_production_with_a_secret_key_uses_it_and_secure_cookies(environment, tmp_path):
    environment.setenv("FLASK_ENV_NAME", "production")
    environment.setenv("FLASK_SECRET_KEY", LONG_SECRET)
    environment.setenv("FLASK_SIGNING_KEY_FILE", str(TEST_SIGNING_KEY_FILE))
    app = create_app(instance_path=tmp_path)
    assert app.config["PRODUCTION"]
    assert app.config["SECRET_KEY"] == LONG_SECRET
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert not (tmp_path / "secret_key").exists()


def test_flask_environment_variables_override_the_defaults(environment, tmp_path):
    environment.setenv("FLASK_SERVICE_NAME", "Covenant Portal (training)")
    environment.setenv("FLASK_LOGIN_MAX_FAILURES_PER_ACCOUNT", "3")
    environment.setenv("FLASK_MAIL_USE_TLS", "true")
    environment.setenv("FLASK_SESSION_LIFETIME_MINUTES", "20")
    app = create_app(instance_path=tmp_path)
    assert app.config["SERVICE_NAME"] == "Covenant Portal (training)"
    assert app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] == 3
    assert app.config["MAIL_USE_TLS"] is True
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 20 * 60


def test_a_test_configuration_replaces_the_environment(environment, tmp_path):
    environment.setenv("FLASK_SERVICE_NAME", "From the environment")
    app = create_app({"SECRET_KEY": "test"}, instance_path=tmp_path)
    assert app.config["SERVICE_NAME"] == "GM First Covenant Portal"


@pytest.mark.parametrize(
    "url",
    ["postgres://portal:s3cret@db.example:5432/covenant", "postgresql://portal:s3cret@db.example:5432/covenant"],
)
def test_database_url_is_honoured_and_postgresql_uses_psycopg_3(environment, tmp_path, url):
    environment.setenv("DATABASE_URL", url)
    app = create_app(instance_path=tmp_path)
    engine_url = app.extensions["db"].engine.url
    assert engine_url.drivername == "postgresql+psycopg"
    assert (engine_url.host, engine_url.database, engine_url.username) == ("db.example", "covenant", "portal")


def test_flask_database_url_wins_over_database_url(environment, tmp_path):
    environment.setenv("DATABASE_URL", "postgres://platform@db.example/covenant")
    environment.setenv("FLASK_DATABASE_URL", f"sqlite:///{tmp_path / 'chosen.sqlite'}")
    app = create_app(instance_path=tmp_path)
    assert str(app.extensions["db"].engine.url) == f"sqlite:///{tmp_path / 'chosen.sqlite'}"


def test_in_development_a_signing_key_is_made_in_the_instance_folder_and_kept(environment, tmp_path):
    first = create_app(instance_path=tmp_path)
    key_file = tmp_path / "signing_key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert create_app(instance_path=tmp_path).extensions["signing_key"].keyid == first.extensions["signing_key"].keyid


def test_production_refuses_to_start_without_a_signing_key(environment, tmp_path):
    environment.setenv("FLASK_ENV_NAME", "production")
    environment.setenv("FLASK_SECRET_KEY", LONG_SECRET)
    with pytest.raises(ConfigurationError, match="FLASK_SIGNING_KEY_FILE is not set"):
        create_app(instance_path=tmp_path)
    environment.setenv("FLASK_SIGNING_KEY_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigurationError, match="does not exist"):
        create_app(instance_path=tmp_path)
    assert not (tmp_path / "signing_key.pem").exists()


def test_production_refuses_the_cheap_password_hashing_meant_for_tests(environment, tmp_path):
    environment.setenv("FLASK_ENV_NAME", "production")
    environment.setenv("FLASK_SECRET_KEY", LONG_SECRET)
    environment.setenv("FLASK_SIGNING_KEY_FILE", str(TEST_SIGNING_KEY_FILE))
    environment.setenv("FLASK_PASSWORD_HASH_PROFILE", "CHEAPEST")
    with pytest.raises(ConfigurationError, match="FLASK_PASSWORD_HASH_PROFILE is for tests only"):
        create_app(instance_path=tmp_path)
