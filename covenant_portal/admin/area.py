"""Admin pages for users: what the area brings to the app."""

from covenant_portal.admin.routes import blueprint
from covenant_portal.web.areas import Area

AREA = Area("admin", blueprints=(blueprint,))
