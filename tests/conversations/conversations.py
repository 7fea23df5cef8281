"""Conversations for tests: started through the conversations service, as an LA contact starts one."""

from flask import current_app
from sqlalchemy.orm import Session

from covenant_portal.audit.service import SYSTEM
from covenant_portal.conversations import service
from covenant_portal.db import utcnow
from covenant_portal.mail.links import Links


def start_conversation(session: Session, la_contact, organisation, now=None):
    opening = service.Opening("GM share below the dialogue threshold", "Places for GM children", "Could we talk?")
    return service.start_conversation(
        session, Links.from_app(current_app), la_contact, organisation, opening, SYSTEM, now or utcnow()
    )
