"""The demo has two conversations, one awaiting each side, so both dashboards have one to answer."""

import pytest
from sqlalchemy import func, select

from covenant_portal.access import Role
from covenant_portal.conversations.models import Conversation, ConversationMessage, Side
from covenant_portal.db import utcnow
from covenant_portal.demo import PASSWORDS, DemoSettings, seed_demo

pytestmark = pytest.mark.seeded_demo  # seeded once for the run (tests/seeded_demo.py)


def sign_in(client_request, email: str, role: Role) -> None:
    client_request.post("/sign-in", {"email": email, "password": PASSWORDS[role]}, expected_redirect="/dashboard")


def test_the_demo_has_a_conversation_awaiting_each_side(app, db_session, client_request, another_browser):
    seed_demo(db_session, DemoSettings.from_app(app), utcnow())
    conversations = db_session.scalars(select(Conversation).order_by(Conversation.id)).all()
    assert [(c.local_authority.name, c.awaiting, len(c.messages)) for c in conversations] == [
        ("Bolton", Side.PROVIDER, 3),
        ("Manchester", Side.LOCAL_AUTHORITY, 2),
    ]
    assert conversations[0].topic == "GM share below the dialogue threshold"
    sign_in(client_request, "pennine.admin@demo.gm-first.example", Role.PROVIDER)
    assert "1 conversation awaiting your reply" in client_request.get_page("/dashboard")
    sign_in(another_browser, "manchester.contact@demo.gm-first.example", Role.LA_CONTACT)
    assert "1 conversation awaiting your reply" in another_browser.get_page("/dashboard")


def test_seeding_again_adds_no_conversation(app, db_session):
    seed_demo(db_session, DemoSettings.from_app(app), utcnow())
    seed_demo(db_session, DemoSettings.from_app(app), utcnow())
    assert db_session.scalar(select(func.count()).select_from(Conversation)) == 2
    assert db_session.scalar(select(func.count()).select_from(ConversationMessage)) == 5
