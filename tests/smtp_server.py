"""A real SMTP server for tests (aiosmtpd on 127.0.0.1), collecting what it receives.

Fixtures:
- `smtp_server`: started for the test and stopped after it. `.messages` is the list of received
  emails (email.message.EmailMessage), `.messages_to(address)` those to one recipient, and `.stop()`
  then `.start()` take it down and bring it back on the same port (to simulate an outage).
  `.refused` is a set of addresses it answers "no such mailbox".
- `mail_app_config`: the settings that make an app send to it; `app.config.update(mail_app_config)`
  or `make_app(database_url, **mail_app_config)`. `smtp_server.environment` is the same for a
  `flask` subprocess (FLASK_* variables).

Then run the outbox with covenant_portal.mail.jobs.send_due_messages(session, now).
"""

import socket
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import getaddresses

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


class _Collector:
    def __init__(self, messages: list[EmailMessage], refused: set[str]):
        self.messages = messages
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(BytesParser(policy=default_policy).parsebytes(envelope.original_content))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()  # recipients the server answers "no such mailbox"
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Collector(self.messages, self.refused), hostname=HOST, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [
            message
            for message in self.messages
            if address.lower() in (found.lower() for _name, found in getaddresses(message.get_all("To", [])))
        ]

    @property
    def app_config(self) -> dict:
        return {"MAIL_SERVER": HOST, "MAIL_PORT": self.port, "MAIL_TIMEOUT_SECONDS": 5}

    @property
    def environment(self) -> dict[str, str]:
        return {f"FLASK_{name}": str(value) for name, value in self.app_config.items()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app_config(smtp_server) -> dict:
    return smtp_server.app_config
