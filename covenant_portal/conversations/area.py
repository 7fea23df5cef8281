"""Recorded conversations between a local authority and a provider (issue 14, point 3)."""

from covenant_portal.access import Role
from covenant_portal.conversations.audit_words import CONVERSATIONS_AUDIT_VOCABULARY
from covenant_portal.conversations.dashboard import conversations_actions
from covenant_portal.conversations.routes import blueprint
from covenant_portal.demo.conversations import plan_conversations
from covenant_portal.web.areas import Area, DashboardPanel

AREA = Area(
    name="conversations",
    blueprints=(blueprint,),
    audit_vocabulary=CONVERSATIONS_AUDIT_VOCABULARY,
    dashboard_actions=(conversations_actions,),
    dashboard_panels=(
        DashboardPanel("conversations/panel.html", frozenset({Role.LA_CONTACT, Role.PROVIDER}), order=40),
    ),
    demo=plan_conversations,
)
