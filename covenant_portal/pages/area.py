"""Home, dashboards and the footer pages."""

from covenant_portal.access import Role
from covenant_portal.pages.routes import blueprint
from covenant_portal.web.areas import Area, DashboardPanel

AREA = Area(
    "pages",
    blueprints=(blueprint,),
    dashboard_panels=(
        DashboardPanel("pages/panels/provider_intro.html", frozenset({Role.PROVIDER}), order=0),
        DashboardPanel("pages/panels/admin_intro.html", frozenset({Role.ADMIN}), order=0),
    ),
)
