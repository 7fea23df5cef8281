"""Tests only: named points where the process kills itself, to show what a crash there leaves.

`crash_point(name)` does nothing unless the CRASH_POINTS_FOR_TESTS setting names the point (a
comma-separated list); then the process sends itself SIGKILL, as the kernel's OOM killer or a lost
machine would end it: no exception, no rollback, no clean-up. config.py refuses the setting in
production. The points are listed in docs/operations.md.
"""

import os
import signal

from flask import current_app, has_app_context


def crash_point(name: str) -> None:
    if not has_app_context():
        return
    armed = current_app.config.get("CRASH_POINTS_FOR_TESTS") or ""
    if name in (point.strip() for point in armed.split(",")):
        os.kill(os.getpid(), signal.SIGKILL)
