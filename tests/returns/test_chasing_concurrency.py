"""Two schedulers, or an operator and the scheduler, chasing at once: each email still goes once."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from covenant_portal.returns.chasing import service as chasing
from covenant_portal.returns.jobs import chase_overdue_returns
from covenant_portal.returns.models import ReturnReminder
from covenant_portal.db import get_session
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.mail.jobs import send_due_messages
from tests.returns.chase_world import as_of, provider
from tests.jobs.processes import RunningFlask, flask_environment

pytestmark = pytest.mark.live

DUE_ON = date(2026, 7, 29)


def committed_providers(app, count: int) -> list[str]:
    """`count` providers owing Q1 2026 to 2027, committed; the addresses their reminders go to."""
    with app.app_context():
        session = get_session()
        for number in range(count):
            provider(session, f"Racer{number} Care Ltd")
        session.commit()
    return [f"racer{n}.{who}@provider.example" for n in range(count) for who in ("admin", "contact")]


def delivered_reminders(app, smtp_server) -> Counter:
    with app.app_context():
        session = get_session()
        while send_due_messages(session, as_of(DUE_ON)).sent:
            pass
    return Counter(message["To"] for message in smtp_server.messages if "due today" in message["Subject"])


def reminder_count(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count(ReturnReminder.id)))


def test_two_processes_replaying_a_day_at_once_send_each_reminder_once(
    postgresql, committed_app, database_url, mail_app_config, smtp_server
):
    committed_app.config.update(mail_app_config)
    addresses = committed_providers(committed_app, 6)
    environment = flask_environment(database_url, **smtp_server.environment)

    processes = [
        RunningFlask(environment, "jobs", "run", "chase_overdue_returns", "--as-of", DUE_ON.isoformat())
        for _ in range(2)
    ]
    return_codes = [process.wait() for process in processes]

    outputs = [process.output for process in processes]
    assert return_codes == [0, 0], outputs
    [succeeded] = [output for output in outputs if " succeeded: " in output]
    assert succeeded.startswith(
        "chase_overdue_returns 2026-07-29 succeeded: Chased 6 returns (due today: 6); 12 emails"
    )
    assert delivered_reminders(committed_app, smtp_server) == Counter(addresses)
    assert reminder_count(committed_app) == 6


def test_chases_racing_past_the_slot_claim_still_send_each_reminder_once(
    committed_app, mail_app_config, smtp_server, monkeypatch
):
    """Four chases of the same day at once, each calling the job function itself (as two
    schedulers whose slot claims both got through would): only the unique reminder rows keep them
    apart. Small chunks, so the chases interleave."""
    committed_app.config.update(mail_app_config)
    monkeypatch.setattr(chasing, "CHUNK_SIZE", 2)
    addresses = committed_providers(committed_app, 7)

    def chase(_):
        with committed_app.app_context():
            return chase_overdue_returns(get_session(), as_of(DUE_ON))

    with ThreadPoolExecutor(max_workers=4) as pool:
        summaries = list(pool.map(chase, range(4)))

    assert delivered_reminders(committed_app, smtp_server) == Counter(addresses)
    assert reminder_count(committed_app) == 7
    with committed_app.app_context():
        queued = get_session().scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.dedupe_key.startswith("return-reminder:"))
        )
    assert queued == 14
    assert sum(int(s.split("due today: ")[1].split(")")[0]) for s in summaries if "due today" in s) == 7, summaries
