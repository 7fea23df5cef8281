"""GET /healthz: 200 when the database answers, the scheduler beats and mail flows; 503, saying
why, when the database is unreachable, the scheduler is silent or an email is stuck."""

import time
from datetime import timedelta

from sqlalchemy.orm import Session

from covenant_portal.db import utcnow
from covenant_portal.jobs.heartbeat import beat, last_heartbeat
from covenant_portal.mail.models import OutboxStatus
from covenant_portal.signing.ledger import rfc3339
from tests.conftest import make_app
from tests.jobs.processes import RunningFlask, flask_environment
from tests.mail.outbox import queue_notice
from tests.smtp_server import free_port

RECIPIENT = "someone@provider.example"


def get_health(app):
    response = app.test_client().get("/healthz")
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


def beating(session, ago: timedelta = timedelta(seconds=20)):
    now = utcnow()
    beat(session, started_at=now - timedelta(hours=2), now=now - ago)
    return now - ago


def test_healthy_it_answers_200_with_each_check(app, db_session):
    beat_at = beating(db_session)

    status, health = get_health(app)

    assert status == 200
    assert health["status"] == "ok" and health["problems"] == []
    assert health["database"] == {"reachable": True}
    assert health["scheduler"]["last_heartbeat_at"] == rfc3339(beat_at)
    assert 20 <= health["scheduler"]["silent_seconds"] < 60
    assert health["scheduler"]["silent_limit_seconds"] == 300
    assert health["mail"] == {
        "unsent": 0,
        "oldest_unsent_at": None,
        "oldest_unsent_age_seconds": None,
        "stuck_limit_seconds": 1800,
        "failed": 0,
    }


def test_an_email_waiting_less_than_the_limit_is_shown_and_healthy(app, db_session):
    beating(db_session)
    queued_at = utcnow() - timedelta(minutes=29)
    queue_notice(db_session, RECIPIENT, queued_at)
    queue_notice(db_session, "another@provider.example", utcnow())
    db_session.commit()

    status, health = get_health(app)

    assert status == 200
    assert health["mail"]["unsent"] == 2
    assert health["mail"]["oldest_unsent_at"] == rfc3339(queued_at)
    assert 29 * 60 <= health["mail"]["oldest_unsent_age_seconds"] < 30 * 60


def test_mail_stuck_longer_than_the_setting_is_unhealthy(app, db_session):
    app.config["HEALTH_MAIL_STUCK_MINUTES"] = 10
    beating(db_session)
    queue_notice(db_session, RECIPIENT, utcnow() - timedelta(minutes=11))
    db_session.commit()

    status, health = get_health(app)

    assert status == 503
    assert health["status"] == "unhealthy"
    [problem] = health["problems"]
    assert problem.startswith("An email has waited unsent for 6") and problem.endswith(" seconds.")
    assert health["mail"]["stuck_limit_seconds"] == 600
    assert RECIPIENT not in str(health)  # counts and times only, nobody's address


def test_failed_emails_are_counted_without_making_it_unhealthy(app, db_session):
    beating(db_session)
    for number in range(3):
        message = queue_notice(db_session, f"failed{number}@provider.example", utcnow() - timedelta(days=2))
        message.status = OutboxStatus.FAILED
    db_session.commit()

    status, health = get_health(app)

    assert status == 200
    assert health["mail"]["failed"] == 3 and health["mail"]["unsent"] == 0
    assert "failed0@provider.example" not in str(health)


def test_a_scheduler_silent_longer_than_the_setting_is_unhealthy(app, db_session):
    beat_at = beating(db_session, ago=timedelta(minutes=6))

    status, health = get_health(app)

    assert status == 503
    assert health["problems"] == [f"The scheduler has been silent for {health['scheduler']['silent_seconds']} seconds."]
    assert health["scheduler"]["last_heartbeat_at"] == rfc3339(beat_at)
    assert 360 <= health["scheduler"]["silent_seconds"] < 400

    app.config["HEALTH_SCHEDULER_SILENT_MINUTES"] = 10
    assert get_health(app)[0] == 200


def test_a_scheduler_that_never_beat_is_unhealthy(app, db_session):
    status, health = get_health(app)

    assert status == 503
    assert health["problems"] == ["The scheduler has never written a heartbeat: is it running?"]
    assert health["scheduler"]["last_heartbeat_at"] is None and health["database"] == {"reachable": True}


def test_an_unreachable_database_is_unhealthy(database_url, tmp_path):
    if database_url.startswith("postgresql"):
        unreachable = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"  # nothing listens there
    else:
        unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'portal.sqlite'}"
    app = make_app(unreachable)

    status, health = get_health(app)

    assert status == 503
    assert health["status"] == "unhealthy"
    assert health["problems"] == ["The database is unreachable."]
    assert health["database"] == {"reachable": False}
    assert health["scheduler"] is None and health["mail"] is None
    assert "127.0.0.1" not in str(health) and "no-such-folder" not in str(health)


def test_the_scheduler_process_writes_its_heartbeat(committed_app, database_url, tmp_path):
    environment = flask_environment(database_url, FLASK_SCHEDULER_LOCK_FILE=str(tmp_path / "scheduler.lock"))
    started = utcnow()
    scheduler = RunningFlask(environment, "scheduler")
    try:
        scheduler.wait_for("Scheduler started")
        heartbeat = None
        deadline = time.monotonic() + 30
        while heartbeat is None and time.monotonic() < deadline:
            with Session(committed_app.extensions["db"].engine) as session:
                heartbeat = last_heartbeat(session)
            time.sleep(0.2)
        status, health = get_health(committed_app)
    finally:
        return_code = scheduler.stop()

    assert return_code == 0, scheduler.output
    assert heartbeat is not None, scheduler.output
    assert started <= heartbeat.started_at <= heartbeat.beat_at <= utcnow()
    assert status == 200, health
    assert health["scheduler"]["last_heartbeat_at"] == rfc3339(heartbeat.beat_at)


def test_a_heartbeat_replaces_the_last_one(db_session):
    now = utcnow()
    beat(db_session, started_at=now - timedelta(minutes=5), now=now - timedelta(minutes=1))
    beat(db_session, started_at=now - timedelta(minutes=5), now=now)

    heartbeat = last_heartbeat(db_session)
    assert (heartbeat.id, heartbeat.beat_at) == (1, now)
