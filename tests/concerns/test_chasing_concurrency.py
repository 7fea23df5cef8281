"""Two processes, or racing calls past the slot claim, chasing concerns at once: each email once
(the outbox's unique dedupe key)."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

from covenant_portal.concerns import service
from covenant_portal.concerns.jobs import chase_concerns
from covenant_portal.db import get_session
from covenant_portal.mail.jobs import send_due_messages
from tests.concerns.helpers import LOGGED_AT, about_la, make_parties
from tests.jobs.processes import RunningFlask, flask_environment

pytestmark = pytest.mark.live

DUE = datetime(2026, 3, 4, 7, 0, tzinfo=timezone.utc)  # the acknowledgement's due date, 07:00 in London


def committed_concerns(app, count: int) -> list[str]:
    """`count` concerns, each by a new provider about Bolton, committed; the LA contact to chase."""
    with app.app_context():
        session = get_session()
        parties = make_parties(session)
        for _ in range(count):
            service.raise_concern(session, parties.provider, about_la(parties), LOGGED_AT)
        session.commit()
        return [parties.la_contact.email] * count


def delivered(app, smtp_server) -> Counter:
    with app.app_context():
        session = get_session()
        while send_due_messages(session, DUE).sent:
            pass
    return Counter(message["To"] for message in smtp_server.messages if "acknowledgement is due" in message["Subject"])


def test_two_processes_at_once_send_each_chase_once(
    postgresql, committed_app, database_url, mail_app_config, smtp_server
):
    committed_app.config.update(mail_app_config)
    addresses = committed_concerns(committed_app, 4)
    environment = flask_environment(database_url, **smtp_server.environment)
    processes = [
        RunningFlask(environment, "jobs", "run", "chase_concerns", "--as-of", DUE.isoformat()) for _ in range(2)
    ]
    assert [process.wait() for process in processes] == [0, 0], [process.output for process in processes]
    assert delivered(committed_app, smtp_server) == Counter(addresses)


def test_chases_racing_past_the_slot_claim_still_send_each_chase_once(
    postgresql, committed_app, mail_app_config, smtp_server
):
    committed_app.config.update(mail_app_config)
    addresses = committed_concerns(committed_app, 5)

    def chase(_):
        with committed_app.app_context():
            return chase_concerns(get_session(), DUE)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(chase, range(4)))
    assert delivered(committed_app, smtp_server) == Counter(addresses)
