"""A SIGTERM that reaches the scheduler before it has started (while it makes its jobs ready) is not
lost: the scheduler stops as soon as it has started, rather than running on."""

import os
import signal
import time

from covenant_portal.jobs.scheduler import _stop_on_signals, build_scheduler
from covenant_portal.db import utcnow


def test_a_sigterm_before_the_scheduler_starts_stops_it_once_started(app):
    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        scheduler = build_scheduler(app, utcnow(), jobs=[])
        _stop_on_signals(scheduler)
        os.kill(os.getpid(), signal.SIGTERM)  # before start(): the scheduler is not running yet
        began = time.monotonic()
        scheduler.start()  # blocks until the scheduler stops
        assert time.monotonic() - began < 5 and not scheduler.running
    finally:
        signal.signal(signal.SIGTERM, handlers[0])
        signal.signal(signal.SIGINT, handlers[1])
