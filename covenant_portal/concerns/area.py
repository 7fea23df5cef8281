"""Concerns: raised, resolved in time, then reflective practice and shared learning (issue 13)."""

from covenant_portal.access import Role
from covenant_portal.concerns.closure import CONCERN_CLOSURE
from covenant_portal.concerns.dashboard import concern_actions
from covenant_portal.concerns.figures import la_concern_figures
from covenant_portal.concerns.jobs import chase_concerns
from covenant_portal.concerns.learning.dashboard import learning_actions
from covenant_portal.concerns.learning.routes import blueprint as learning_blueprint
from covenant_portal.concerns.audit_words import CONCERNS_AUDIT_VOCABULARY
from covenant_portal.concerns.routes import blueprint
from covenant_portal.demo.concerns import plan_concerns
from covenant_portal.jobs.registry import DailyAt, Job
from covenant_portal.web.areas import Area, DashboardPanel

CHASE_CONCERNS = Job(
    name="chase_concerns",
    function=chase_concerns,
    trigger=DailyAt(7, 0),
    description="Raises concerns for covenant duties still broken, reminds whoever holds each concern's next step before and on its deadline, and tells the escalation officers 5 working days after a missed one.",
)

AREA = Area(
    name="concerns",
    blueprints=(blueprint, learning_blueprint),
    record_kinds=(CONCERN_CLOSURE,),
    jobs=(CHASE_CONCERNS,),
    la_pledge_figures=(la_concern_figures,),
    audit_vocabulary=CONCERNS_AUDIT_VOCABULARY,
    dashboard_actions=(concern_actions, learning_actions),
    demo=plan_concerns,
    dashboard_panels=(
        DashboardPanel(
            "concerns/panel.html", frozenset({Role.PROVIDER, Role.LA_CONTACT, Role.ESCALATION_OFFICER}), order=60
        ),
    ),
)
