"""Several schedulers, operators or threads at once: each slot runs once and each email goes once."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.db import get_session
from covenant_portal.jobs.models import JobRun
from covenant_portal.jobs.registry import job_named
from covenant_portal.jobs.runner import Outcome, run_job
from covenant_portal.mail.models import OutboxMessage, OutboxStatus
from covenant_portal.mail.jobs import send_due_messages
from tests.jobs.processes import RunningFlask, flask_environment
from tests.mail.outbox import queue_notice

AS_OF = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def queue_committed(app, count: int, queued_at: datetime) -> list[str]:
    recipients = [f"person{number}@provider.example" for number in range(count)]
    with app.app_context():
        session = get_session()
        for recipient in recipients:
            queue_notice(session, recipient, queued_at)
        session.commit()
    return recipients


def delivered(smtp_server) -> Counter:
    return Counter(message["To"] for message in smtp_server.messages)


def test_threads_running_one_slot_at_once_run_it_once(committed_app, mail_app_config, smtp_server):
    committed_app.config.update(mail_app_config)
    recipients = queue_committed(committed_app, 10, AS_OF)

    def run_in_own_context(_):
        with committed_app.app_context():
            return run_job(get_session(), job_named("send_outbox"), AS_OF).outcome

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = Counter(pool.map(run_in_own_context, range(4)))

    assert outcomes == {Outcome.SUCCEEDED: 1, Outcome.ALREADY_RUN: 3}
    assert delivered(smtp_server) == Counter(recipients)
    with Session(committed_app.extensions["db"].engine) as session:
        assert len(session.scalars(select(JobRun)).all()) == 1


def test_two_processes_running_one_slot_claim_it_once(postgresql, committed_app, database_url, smtp_server):
    recipients = queue_committed(committed_app, 20, AS_OF)
    environment = flask_environment(database_url, **smtp_server.environment)

    processes = [
        RunningFlask(environment, "jobs", "run", "send_outbox", "--as-of", "2026-03-02T12:00+00:00") for _ in range(2)
    ]
    return_codes = [process.wait() for process in processes]

    outputs = [process.output for process in processes]
    assert return_codes == [0, 0], outputs
    [succeeded] = [output for output in outputs if " succeeded: " in output]
    [already_run] = [output for output in outputs if ": already run" in output]
    assert succeeded.startswith("send_outbox 2026-03-02T12:00 succeeded: Sent 20, will retry 0, failed 0.")
    assert already_run.startswith("send_outbox 2026-03-02T12:00: already run")
    assert delivered(smtp_server) == Counter(recipients)


def test_two_senders_at_once_send_each_email_exactly_once(postgresql, committed_app, database_url, smtp_server):
    queue_committed(committed_app, 60, AS_OF)
    environment = flask_environment(database_url, FLASK_MAIL_BATCH_SIZE="20", **smtp_server.environment)

    # Different slots, so both really send: only the locking of the outbox keeps them apart.
    processes = [
        RunningFlask(environment, "jobs", "run", "send_outbox", "--as-of", f"2026-03-02T12:0{minute}+00:00")
        for minute in (1, 2)
    ]
    assert [process.wait() for process in processes] == [0, 0]

    assert len(smtp_server.messages) == 40
    assert set(delivered(smtp_server).values()) == {1}
    with Session(committed_app.extensions["db"].engine) as session:
        sent = session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.status == OutboxStatus.SENT)).all()
    assert Counter(sent) == delivered(smtp_server)


def test_a_sender_skips_the_emails_another_sender_is_claiming(postgresql, committed_app, mail_app_config, smtp_server):
    committed_app.config.update(mail_app_config)
    first, second = queue_committed(committed_app, 2, AS_OF)
    engine = committed_app.extensions["db"].engine

    with Session(engine) as other_sender:  # holds the row lock a claiming sender holds
        other_sender.scalars(select(OutboxMessage).where(OutboxMessage.recipient == first).with_for_update()).all()
        with committed_app.app_context():
            report = send_due_messages(get_session(), AS_OF + timedelta(minutes=1))

    assert report.sent == 1
    assert delivered(smtp_server) == Counter([second])
