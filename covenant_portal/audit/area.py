"""The audit trail's admin page."""

from covenant_portal.audit.routes import blueprint
from covenant_portal.web.areas import Area

AREA = Area("audit", blueprints=(blueprint,))
