"""The portal with one more job, for tests of a run killed half-way: `flask --app tests.jobs.blocking_app`.

`hold_the_slot` is a daily job whose fire time is a minute before the app was made, so a scheduler
starting runs it at once (its slot is today's UK date). It queues an email to WORK_DONE_TO (its
work, not committed yet); then, with HOLD_THE_SLOT=block, it says so on stdout and waits until the
process is killed; otherwise it commits and ends.
"""

import os
import sys
import time
import uuid
from datetime import datetime, timedelta

from covenant_portal import create_app as create_portal
from covenant_portal.jobs.registry import LONDON, DailyAt, Job
from tests.mail.outbox import queue_notice

WORK_DONE_TO = "slot-holder@provider.example"
STARTED = "hold_the_slot: started, now blocking"


def hold_the_slot(session, as_of: datetime) -> str:
    queue_notice(session, WORK_DONE_TO, as_of, dedupe_key=f"hold-the-slot:{uuid.uuid4()}")
    session.flush()
    if os.environ.get("HOLD_THE_SLOT") == "block":
        print(STARTED, file=sys.stderr, flush=True)
        while True:
            time.sleep(1)
    session.commit()
    return "Queued one email."


def create_app():
    app = create_portal()
    fire_time = datetime.now(LONDON) - timedelta(minutes=1)
    job = Job("hold_the_slot", hold_the_slot, DailyAt(fire_time.hour, fire_time.minute), "A job for tests.")
    app.extensions["jobs"] = (*app.extensions["jobs"], job)
    return app
