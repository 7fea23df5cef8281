"""Runs `flask --app covenant_portal ...` in real processes against the test database."""

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def flask_environment(database_url: str, **settings: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "FLASK_SECRET_KEY": "test-secret-key-for-subprocesses-0123456789",
        **settings,
    }


def flask_command(*args: str, app: str = "covenant_portal") -> list[str]:
    return [sys.executable, "-m", "flask", "--app", app, *args]


def run_flask(
    environment: dict[str, str], *args: str, timeout: float = 60, app: str = "covenant_portal"
) -> subprocess.CompletedProcess:
    return subprocess.run(
        flask_command(*args, app=app),
        env=environment,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class RunningFlask:
    """A long-running flask command whose output (stdout and stderr together) is read as it comes."""

    def __init__(self, environment: dict[str, str], *args: str, app: str = "covenant_portal"):
        self.process = subprocess.Popen(
            flask_command(*args, app=app),
            env=environment,
            cwd=REPOSITORY,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.lines: list[str] = []
        self._new_lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._new_lines.put(line)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (self.process.poll() is not None and self._new_lines.empty()):
                raise AssertionError(f"{text!r} never came; output so far:\n{''.join(self.lines)}")
            try:
                self.lines.append(self._new_lines.get(timeout=min(remaining, 0.2)))
            except queue.Empty:
                pass

    def kill(self) -> int:
        """SIGKILL: the process ends at once, as if the machine lost it; returns the exit code (-9)."""
        self.process.kill()
        return self.wait()

    def stop(self, timeout: float = 30) -> int:
        """Sends SIGTERM, then waits for the end; returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
        return self.wait(timeout)

    def wait(self, timeout: float = 60) -> int:
        return_code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=timeout)  # the output ends when the process has closed it
        while not self._new_lines.empty():
            self.lines.append(self._new_lines.get())
        return return_code

    @property
    def output(self) -> str:
        return "".join(self.lines)
