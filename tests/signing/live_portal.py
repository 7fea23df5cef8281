"""The portal served by a process of its own (`flask run`), and a plain HTTP client that signs in
and posts its forms as a browser without JavaScript would: for tests that kill the server."""

import http.client
import http.cookiejar
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from tests.conftest import csrf_token_in
from tests.jobs.processes import RunningFlask
from tests.smtp_server import free_port


class LivePortal:
    """`flask run` on a free port of 127.0.0.1, with the settings given."""

    def __init__(self, environment: dict[str, str]):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process = RunningFlask(environment, "run", "--host", "127.0.0.1", "--port", str(self.port))
        self._wait_until_listening()

    def _wait_until_listening(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.process.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.process.stop()
        raise AssertionError(f"the portal did not start:\n{self.process.output}")

    def browser(self) -> "Browser":
        return Browser(self.base_url)

    def wait(self, timeout: float = 30) -> int:
        return self.process.wait(timeout)

    def stop(self) -> int:
        return self.process.stop()


class ConnectionDropped(Exception):
    """The server closed the connection without answering."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect comes back as the response, to be looked at


class Browser:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of a GET, or of a POST of `data`."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base_url + path, data=body, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()
        except (http.client.HTTPException, ConnectionError, urllib.error.URLError) as error:
            raise ConnectionDropped(str(error)) from error

    def submit(self, path: str, data: dict, form_path: str | None = None) -> tuple[int, str, str]:
        """Posts to `path` the form on the page at `form_path` (by default `path`), with that page's CSRF token."""
        status, _location, page = self.request(form_path or path)
        assert status == 200, (form_path or path, status)
        return self.request(path, {"csrf_token": csrf_token_in(page), **data})

    def sign_in(self, email: str, password: str) -> None:
        status, location, _ = self.submit("/sign-in", {"email": email, "password": password})
        assert status == 302 and not location.endswith("/sign-in"), (status, location)
