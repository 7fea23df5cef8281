"""Planned expansions (issue 12): what the area brings to the app."""

from covenant_portal.access import Role
from covenant_portal.demo.expansions import plan_expansions
from covenant_portal.expansions.audit_words import EXPANSIONS_AUDIT_VOCABULARY
from covenant_portal.expansions.dashboard import expansion_actions
from covenant_portal.expansions.jobs import chase_expansion_responses
from covenant_portal.expansions.needs.routes import blueprint as needs
from covenant_portal.expansions.oversight.routes import blueprint as oversight
from covenant_portal.expansions.proposals.records import EXPANSION_PROPOSAL
from covenant_portal.expansions.proposals.routes import blueprint as proposals
from covenant_portal.expansions.reports.routes import blueprint as reports
from covenant_portal.expansions.reports.service import broken_first_responses, pledge_figures
from covenant_portal.expansions.triage.records import EXPANSION_OUTCOME
from covenant_portal.expansions.triage.routes import blueprint as triage
from covenant_portal.jobs.registry import DailyAt, Job
from covenant_portal.web.areas import Area, DashboardPanel

CHASE_EXPANSION_RESPONSES = Job(
    name="chase_expansion_responses",
    function=chase_expansion_responses,
    trigger=DailyAt(7, 15),
    description=(
        "Reminds host LAs of first responses to expansion proposals due in 2 working days and due today, "
        "escalates to admins 5 working days after, and reminds providers of unanswered information requests."
    ),
)

AREA = Area(
    name="expansions",
    blueprints=(needs, proposals, triage, reports, oversight),
    record_kinds=(EXPANSION_PROPOSAL, EXPANSION_OUTCOME),
    jobs=(CHASE_EXPANSION_RESPONSES,),
    dashboard_actions=(expansion_actions,),
    dashboard_panels=(
        DashboardPanel("expansions/panels/provider.html", frozenset({Role.PROVIDER}), order=50),
        DashboardPanel("expansions/panels/la_contact.html", frozenset({Role.LA_CONTACT}), order=45),
        DashboardPanel("expansions/panels/overseer.html", frozenset({Role.ESCALATION_OFFICER, Role.ADMIN}), order=50),
    ),
    audit_vocabulary=EXPANSIONS_AUDIT_VOCABULARY,
    demo=plan_expansions,
    broken_duties=(broken_first_responses,),
    la_pledge_figures=(pledge_figures,),
)
