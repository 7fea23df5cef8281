"""Reading the emails a journey queued, as the person receiving them would."""

import re
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.audit.models import AuditEvent
from covenant_portal.mail.models import OutboxMessage

LINK = re.compile(r"https?://\S+")


def emails_to(session: Session, address: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.recipient == address).order_by(OutboxMessage.id)
    return list(session.scalars(query))


def last_email_to(session: Session, address: str) -> OutboxMessage:
    messages = emails_to(session, address)
    assert messages, f"no email was queued for {address}"
    return messages[-1]


def link_in(message: OutboxMessage, path_prefix: str) -> str:
    """The path of the link in the email that starts with path_prefix (checked in both bodies)."""
    paths = [urlsplit(url).path for url in LINK.findall(message.text_body)]
    matching = [path for path in paths if path.startswith(path_prefix)]
    assert matching, f"no {path_prefix} link in {message.text_body!r}"
    assert matching[0] in message.html_body
    return matching[0]


def audit_actions(session: Session, user) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "User", AuditEvent.object_id == str(user.id))
            .order_by(AuditEvent.id)
        )
    )
