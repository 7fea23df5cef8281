"""Named contacts on both sides, and the directory."""

from covenant_portal.access import Role
from covenant_portal.contacts.audit_words import CONTACTS_AUDIT_VOCABULARY
from covenant_portal.contacts.dashboard import contacts_actions
from covenant_portal.contacts.figures import named_contact_figures
from covenant_portal.contacts.routes import blueprint
from covenant_portal.demo.homes import plan_contacts
from covenant_portal.web.areas import Area, DashboardPanel

AREA = Area(
    audit_vocabulary=CONTACTS_AUDIT_VOCABULARY,
    name="contacts",
    blueprints=(blueprint,),
    dashboard_actions=(contacts_actions,),
    dashboard_panels=(
        DashboardPanel("contacts/panels/provider.html", frozenset({Role.PROVIDER}), order=20),
        DashboardPanel("contacts/panels/admin.html", frozenset({Role.ADMIN}), order=10),
        DashboardPanel("contacts/panels/la_contact.html", frozenset({Role.LA_CONTACT}), order=10),
        DashboardPanel("contacts/panels/directory.html", frozenset({Role.ESCALATION_OFFICER}), order=35),
    ),
    demo=plan_contacts,
    la_pledge_figures=(named_contact_figures,),
)
