"""The covenant: versions, signing and the register."""

from covenant_portal.access import Role
from covenant_portal.covenant.audit_words import COVENANT_AUDIT_VOCABULARY
from covenant_portal.covenant.dashboard import covenant_actions
from covenant_portal.covenant.records import COVENANT_SIGNATURE
from covenant_portal.covenant.routes import blueprint
from covenant_portal.demo.covenant import plan_covenant
from covenant_portal.web.areas import Area, DashboardPanel
from covenant_portal.covenant.duties import unsigned_after_grace

AREA = Area(
    audit_vocabulary=COVENANT_AUDIT_VOCABULARY,
    name="covenant",
    blueprints=(blueprint,),
    record_kinds=(COVENANT_SIGNATURE,),
    dashboard_actions=(covenant_actions,),
    dashboard_panels=(
        DashboardPanel("covenant/panels/provider.html", frozenset({Role.PROVIDER}), order=10),
        DashboardPanel("covenant/panels/admin.html", frozenset({Role.ADMIN}), order=20),
        DashboardPanel(
            "covenant/panels/overseer.html", frozenset({Role.LA_CONTACT, Role.ESCALATION_OFFICER}), order=30
        ),
    ),
    demo=plan_covenant,
    broken_duties=(unsigned_after_grace,),
)
