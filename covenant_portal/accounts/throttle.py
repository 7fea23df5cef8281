"""The sign-in throttle: too many failed sign-ins for one account, or from one IP address, within a
window stop further tries until the window has passed. Failures are kept in the database
(`login_attempt`), so every web worker sees the same count."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import LoginAttempt


@dataclass(frozen=True)
class ThrottleSettings:
    window_minutes: int
    max_failures_per_account: int
    max_failures_per_ip: int

    @classmethod
    def from_config(cls, config) -> "ThrottleSettings":
        return cls(
            window_minutes=int(config["LOGIN_THROTTLE_WINDOW_MINUTES"]),
            max_failures_per_account=int(config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
            max_failures_per_ip=int(config["LOGIN_MAX_FAILURES_PER_IP"]),
        )


def is_throttled(session: Session, settings: ThrottleSettings, email: str, ip_address: str, now: datetime) -> bool:
    since = now - timedelta(minutes=settings.window_minutes)
    return (
        _failures_since(session, LoginAttempt.email, email, since) >= settings.max_failures_per_account
        or _failures_since(session, LoginAttempt.ip_address, ip_address, since) >= settings.max_failures_per_ip
    )


def throttled_message(settings: ThrottleSettings) -> str:
    return (
        f"There have been too many attempts to sign in. Wait {settings.window_minutes} minutes, then try again, "
        "or reset your password."
    )


def _failures_since(session: Session, column, value: str, since: datetime) -> int:
    failures = session.scalar(
        select(func.count(LoginAttempt.id)).where(
            column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at >= since
        )
    )
    return failures or 0
