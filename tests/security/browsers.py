"""Signing in the way a browser does, for tests that need real requests end to end."""

from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.access import Role
from tests.conftest import csrf_token_in
from tests.factories import PASSWORD, create_user


def sign_in(
    client,
    email: str,
    password: str = PASSWORD,
    *,
    url: str = "/sign-in",
    remember: bool = False,
    ip_address: str = "127.0.0.1",
    https: bool = False,
    headers: dict | None = None,
):
    """Fetches the sign-in page (for its CSRF token) and submits it; returns the response."""
    base_url = "https://localhost" if https else "http://localhost"
    environ = {"REMOTE_ADDR": ip_address}
    page = client.get(url, base_url=base_url, environ_overrides=environ, headers=headers)
    data = {"csrf_token": csrf_token_in(page.get_data(as_text=True)), "email": email, "password": password}
    if remember:
        data["remember_me"] = "y"
    # Over HTTPS, Flask-WTF also wants a same-site Referer, as browsers send.
    return client.post(
        url,
        data=data,
        base_url=base_url,
        environ_overrides=environ,
        headers={"Referer": f"{base_url}{url}", **(headers or {})},
    )


def committed_user(engine, role: Role = Role.PROVIDER, **overrides) -> User:
    """A user committed to the database, for tests with committed_app."""
    with Session(engine, expire_on_commit=False) as session:
        user = create_user(session, role, **overrides)
        session.commit()
        return user
