"""Providers' homes and services."""

from covenant_portal.access import Role
from covenant_portal.demo.homes import plan_homes
from covenant_portal.homes.audit_words import HOMES_AUDIT_VOCABULARY
from covenant_portal.homes.routes import blueprint
from covenant_portal.web.areas import Area, DashboardPanel

AREA = Area(
    audit_vocabulary=HOMES_AUDIT_VOCABULARY,
    name="homes",
    blueprints=(blueprint,),
    dashboard_panels=(
        DashboardPanel("homes/panels/provider.html", frozenset({Role.PROVIDER}), order=30),
        DashboardPanel("homes/panels/la_contact.html", frozenset({Role.LA_CONTACT}), order=20),
    ),
    demo=plan_homes,
)
