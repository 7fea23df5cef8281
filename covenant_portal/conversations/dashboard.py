"""What conversations ask of each person now, led with on their dashboard."""

from datetime import datetime

from flask import url_for
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.conversations.service import awaiting_reply_count
from covenant_portal.web.areas import DashboardAction


def conversations_actions(session: Session, user: User, now: datetime) -> list[DashboardAction]:
    awaiting = awaiting_reply_count(session, user)
    if not awaiting:
        return []
    text = "1 conversation awaiting your reply" if awaiting == 1 else f"{awaiting} conversations awaiting your reply"
    return [DashboardAction(text, url_for("conversations.conversations"))]
