"""Finding 7 of issue 11: no response names the server software or its version. The portal sets a
neutral Server header; gunicorn, run as in production (gunicorn.conf.py), adds none of its own."""

import http.client
import socket
import subprocess
import sys
import time

import pytest

from covenant_portal.security import SERVER_HEADER
from tests.conftest import TEST_SIGNING_KEY_FILE
from tests.jobs.processes import REPOSITORY, flask_environment


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, timeout: float = 30):
    """A GET as soon as the server answers (it takes a moment to start)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            connection.close()
            return response
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def gunicorn(migrated_engine, database_url):
    port = free_loopback_port()
    environment = flask_environment(database_url, FLASK_SIGNING_KEY_FILE=str(TEST_SIGNING_KEY_FILE))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--graceful-timeout",
            "2",
        ],
        cwd=REPOSITORY,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_gunicorn_as_configured_names_no_server_software(gunicorn):
    for path in ("/", "/sign-in", "/no-such-page", "/static/app/init.js"):
        response = get(gunicorn, path)
        assert response.status < 500, path
        assert response.msg.get_all("Server") == [SERVER_HEADER], path
        assert "gunicorn" not in str(response.msg).lower() and "python" not in str(response.msg).lower()


def test_every_response_of_the_app_has_the_neutral_server_header(client_request):
    for path in ("/", "/sign-in", "/no-such-page", "/static/app/init.js"):
        assert client_request.client.get(path).headers.get_all("Server") == [SERVER_HEADER]
