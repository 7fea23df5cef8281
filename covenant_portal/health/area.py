"""GET /healthz, for operators' monitoring."""

from covenant_portal.health.routes import blueprint
from covenant_portal.web.areas import Area

AREA = Area("health", blueprints=(blueprint,))
