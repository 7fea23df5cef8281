"""GET /healthz: for monitoring; open to all, no personal data, never cached."""

from flask import Blueprint, current_app, jsonify

from covenant_portal.access import public
from covenant_portal.db import get_session, utcnow
from covenant_portal.health.service import HealthSettings, check_health

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
@public
def healthz():
    health = check_health(get_session(), HealthSettings.from_config(current_app.config), utcnow())
    response = jsonify(health.as_json())
    response.status_code = 200 if health.healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
