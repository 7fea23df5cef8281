"""The covenant: versions, signing and the register."""

from covenant_portal.access import Role
from covenant_portal.covenant.audit_words import COVENANT_AUDIT_VOCABULARY
from covenant_portal.covenant.chasing.jobs import chase_covenant_resigning
from covenant_portal.covenant.dashboard import covenant_actions, la_covenant_actions
from covenant_portal.covenant.la_records import LA_COVENANT_SIGNATURE
from covenant_portal.covenant.la_routes import blueprint as la_blueprint
from covenant_portal.covenant.records import COVENANT_SIGNATURE
from covenant_portal.covenant.routes import blueprint
from covenant_portal.demo.la_covenant import plan_both_sides
from covenant_portal.jobs.registry import DailyAt, Job
from covenant_portal.web.areas import Area, DashboardPanel
from covenant_portal.covenant.duties import unsigned_after_grace

CHASE_COVENANT_RESIGNING = Job(
    name="chase_covenant_resigning",
    function=chase_covenant_resigning,
    trigger=DailyAt(7, 10),
    description="Reminds providers that signed an earlier covenant version to sign the current one, and "
    "escalates those past the re-signing due date.",
)

AREA = Area(
    audit_vocabulary=COVENANT_AUDIT_VOCABULARY,
    name="covenant",
    blueprints=(blueprint, la_blueprint),
    record_kinds=(COVENANT_SIGNATURE, LA_COVENANT_SIGNATURE),
    jobs=(CHASE_COVENANT_RESIGNING,),
    dashboard_actions=(covenant_actions, la_covenant_actions),
    dashboard_panels=(
        DashboardPanel("covenant/panels/provider.html", frozenset({Role.PROVIDER}), order=10),
        DashboardPanel("covenant/panels/admin.html", frozenset({Role.ADMIN}), order=20),
        DashboardPanel(
            "covenant/panels/overseer.html", frozenset({Role.LA_CONTACT, Role.ESCALATION_OFFICER}), order=30
        ),
    ),
    demo=plan_both_sides,
    broken_duties=(unsigned_after_grace,),
)
