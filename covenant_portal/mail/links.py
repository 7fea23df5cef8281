"""Links in emails: absolute, on BASE_URL (emails are queued by requests and jobs alike), and the
secret their single-use tokens are signed with (accounts/tokens.py). Made once per request or job
from the app (`Links.from_app(current_app)`) and handed to the services that queue emails."""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask
from werkzeug.routing import MapAdapter


@dataclass(frozen=True)
class Links:
    base_url: str  # BASE_URL, without a trailing slash
    secret_key: str = field(repr=False)  # SECRET_KEY: signs the tokens of links
    token_max_age: timedelta  # EMAIL_TOKEN_MAX_AGE_HOURS: how long a link's token is valid
    paths: MapAdapter = field(repr=False, compare=False)  # the app's URL rules

    @classmethod
    def from_app(cls, app: Flask) -> "Links":
        return cls(
            base_url=app.config["BASE_URL"].rstrip("/"),
            secret_key=app.config["SECRET_KEY"],
            token_max_age=timedelta(hours=int(app.config["EMAIL_TOKEN_MAX_AGE_HOURS"])),
            paths=app.url_map.bind(""),
        )

    def url(self, endpoint: str, **values) -> str:
        """The absolute link to an endpoint of the app (BuildError for an unknown one)."""
        return self.base_url + self.paths.build(endpoint, values)
