"""Quarterly returns: what the area brings to the app."""

from covenant_portal.access import Role
from covenant_portal.demo.returns import plan_returns
from covenant_portal.jobs.registry import DailyAt, Job
from covenant_portal.returns.audit_words import RETURNS_AUDIT_VOCABULARY
from covenant_portal.returns.blueprint import blueprint as returns
from covenant_portal.returns.calendar.routes import blueprint as return_calendar
from covenant_portal.returns.compliance.routes import blueprint as compliance
from covenant_portal.returns.dashboard import returns_actions
from covenant_portal.returns.drafts import routes as _draft_views  # noqa: F401 (their views join `returns`)
from covenant_portal.returns.evidence import routes as _evidence_views  # noqa: F401
from covenant_portal.returns.jobs import chase_overdue_returns, make_return_periods
from covenant_portal.returns.submission import check_answers as _check_answers_view  # noqa: F401
from covenant_portal.returns.submission import routes as _submission_views  # noqa: F401
from covenant_portal.returns.submission.records import ATTESTATION_RETURN
from covenant_portal.web.areas import Area, DashboardPanel
from covenant_portal.returns.duties import escalated_returns

CHASE_OVERDUE_RETURNS = Job(
    name="chase_overdue_returns",
    function=chase_overdue_returns,
    trigger=DailyAt(7, 0),
    description="Reminds providers of quarterly returns due or overdue, and escalates those 14 days overdue.",
)

AREA = Area(
    audit_vocabulary=RETURNS_AUDIT_VOCABULARY,
    name="returns",
    blueprints=(returns, compliance, return_calendar),
    record_kinds=(ATTESTATION_RETURN,),
    jobs=(CHASE_OVERDUE_RETURNS,),
    start_up=(make_return_periods,),
    dashboard_actions=(returns_actions,),
    dashboard_panels=(
        DashboardPanel("returns/panels/provider.html", frozenset({Role.PROVIDER}), order=40),
        DashboardPanel("returns/panels/la_contact.html", frozenset({Role.LA_CONTACT}), order=40),
        DashboardPanel("returns/panels/overseer.html", frozenset({Role.ESCALATION_OFFICER, Role.ADMIN}), order=40),
    ),
    demo=plan_returns,
    broken_duties=(escalated_returns,),
)
