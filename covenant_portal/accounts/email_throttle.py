"""The throttle on public forms that send email (sign-up, a new confirmation link, forgotten
password): within a window, at most so many requests for one address and from one IP address are
let through. Requests are kept in the database (`email_request`), so every web worker sees the same
count. The count never depends on whether the address has an account, and a request over the limit
gets the same answer as one under it: the throttle tells nobody anything about accounts."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import EmailRequest


class EmailRequestPurpose(StrEnum):
    SIGN_UP = "sign-up"
    VERIFICATION = "verification"
    PASSWORD_RESET = "password-reset"


@dataclass(frozen=True)
class EmailThrottleSettings:
    window_minutes: int
    max_per_address: int
    max_per_ip: int

    @classmethod
    def from_config(cls, config) -> "EmailThrottleSettings":
        return cls(
            window_minutes=int(config["EMAIL_REQUEST_WINDOW_MINUTES"]),
            max_per_address=int(config["EMAIL_REQUEST_MAX_PER_ADDRESS"]),
            max_per_ip=int(config["EMAIL_REQUEST_MAX_PER_IP"]),
        )


def admit_email_request(
    session: Session,
    settings: EmailThrottleSettings,
    purpose: EmailRequestPurpose,
    email: str,
    ip_address: str | None,
    now: datetime,
) -> bool:
    """True, with the request recorded and committed, if fewer than the limits of requests (of any
    of the purposes) were let through for this address and from this IP address within the window;
    False, with nothing recorded, otherwise: the caller then sends nothing."""
    email, ip_address = email.strip().lower(), ip_address or ""
    since = now - timedelta(minutes=settings.window_minutes)
    if (
        _requests_since(session, EmailRequest.email, email, since) >= settings.max_per_address
        or _requests_since(session, EmailRequest.ip_address, ip_address, since) >= settings.max_per_ip
    ):
        return False
    session.add(EmailRequest(purpose=purpose, email=email, ip_address=ip_address, created_at=now))
    session.commit()
    return True


def _requests_since(session: Session, column, value: str, since: datetime) -> int:
    return session.scalar(select(func.count(EmailRequest.id)).where(column == value, EmailRequest.created_at >= since))
