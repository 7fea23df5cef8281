"""Failed sign-ins are counted in the database, per account and per IP address, so the limits
hold across every worker; a throttled sign-in is told to wait, with status 429."""

import pytest

from covenant_portal.access import Role
from tests.conftest import make_app
from tests.security.browsers import committed_user, sign_in

THROTTLED = "There have been too many attempts to sign in. Wait 15 minutes, then try again"


@pytest.fixture
def second_worker(committed_app, database_url):
    """Another app on the same database, as a second gunicorn worker would be."""
    app = make_app(database_url)
    yield app
    app.extensions["db"].engine.dispose()


def fail_to_sign_in(app, email: str, ip_address: str = "127.0.0.1", headers: dict | None = None) -> None:
    response = sign_in(app.test_client(), email, "not the password at all", ip_address=ip_address, headers=headers)
    assert response.status_code == 400


def assert_throttled(response) -> None:
    assert response.status_code == 429
    assert THROTTLED in response.get_data(as_text=True)


def test_failures_for_one_account_on_two_workers_add_up(committed_app, second_worker, migrated_engine):
    user = committed_user(migrated_engine, Role.PROVIDER)
    for worker in (committed_app, second_worker, committed_app, second_worker, committed_app):
        fail_to_sign_in(worker, user.email)

    for worker in (committed_app, second_worker):
        browser = worker.test_client()
        assert_throttled(sign_in(browser, user.email, ip_address="198.51.100.99"))  # even the right password
        assert browser.get("/dashboard").status_code == 302  # and it did not sign in


def test_an_unknown_account_is_throttled_like_a_real_one(committed_app, second_worker):
    for worker in (committed_app, second_worker) * 2 + (committed_app,):
        fail_to_sign_in(worker, "nobody@nowhere.example")
    assert_throttled(sign_in(second_worker.test_client(), "nobody@nowhere.example"))


def test_failures_from_one_ip_address_on_two_workers_add_up(committed_app, second_worker, migrated_engine):
    for worker in (committed_app, second_worker):
        worker.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    user = committed_user(migrated_engine, Role.PROVIDER)
    fail_to_sign_in(committed_app, "first@guess.example", ip_address="203.0.113.66")
    fail_to_sign_in(second_worker, "second@guess.example", ip_address="203.0.113.66")
    fail_to_sign_in(committed_app, "third@guess.example", ip_address="203.0.113.66")

    assert_throttled(sign_in(second_worker.test_client(), user.email, ip_address="203.0.113.66"))
    assert sign_in(committed_app.test_client(), user.email, ip_address="203.0.113.67").status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_ip_limit(committed_app):
    # Without a trusted proxy in front, X-Forwarded-For is whatever the client says it is.
    committed_app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    for n in range(3):
        fail_to_sign_in(committed_app, f"guess{n}@guess.example", headers={"X-Forwarded-For": f"192.0.2.{n}"})
    forged = {"X-Forwarded-For": "192.0.2.9"}
    assert_throttled(sign_in(committed_app.test_client(), "guess9@guess.example", "x", headers=forged))


@pytest.fixture
def behind_a_proxy(committed_app, database_url):
    app = make_app(database_url, TRUSTED_PROXIES=1, LOGIN_MAX_FAILURES_PER_IP=3)
    yield app
    app.extensions["db"].engine.dispose()


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(behind_a_proxy, migrated_engine):
    user = committed_user(migrated_engine, Role.PROVIDER)
    for n in range(3):
        fail_to_sign_in(behind_a_proxy, f"guess{n}@guess.example", headers={"X-Forwarded-For": "192.0.2.1"})
    assert_throttled(sign_in(behind_a_proxy.test_client(), user.email, headers={"X-Forwarded-For": "192.0.2.1"}))
    response = sign_in(behind_a_proxy.test_client(), user.email, headers={"X-Forwarded-For": "192.0.2.2"})
    assert response.status_code == 302
