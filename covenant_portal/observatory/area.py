"""The sufficiency observatory: what the area brings to the app."""

from flask import Flask, current_app

from covenant_portal.access import Role

from covenant_portal.db import get_session, utcnow
from covenant_portal.demo.observatory import plan_observatory
from covenant_portal.filters import LONDON
from covenant_portal.observatory.audit_words import OBSERVATORY_AUDIT_VOCABULARY
from covenant_portal.observatory.jobs import VARIANCE_ALERTS
from covenant_portal.observatory.pages import chart_rows
from covenant_portal.observatory.routes import blueprint
from covenant_portal.observatory.service import observatory, partners
from covenant_portal.observatory.settings import ObservatorySettings
from covenant_portal.web.areas import Area, DashboardPanel


def gm_first_partner_ids() -> set[int]:
    """The providers badged "GM First partner" (for the public register's template)."""
    settings = ObservatorySettings.from_config(current_app.config)
    return partners(observatory(get_session(), settings, utcnow().astimezone(LONDON).date()), settings)


def _setup(app: Flask) -> None:
    app.jinja_env.globals.update(chart_rows=chart_rows, gm_first_partner_ids=gm_first_partner_ids)


AREA = Area(
    name="observatory",
    blueprints=(blueprint,),
    jobs=(VARIANCE_ALERTS,),
    audit_vocabulary=OBSERVATORY_AUDIT_VOCABULARY,
    setup=_setup,
    dashboard_panels=(
        DashboardPanel(
            "observatory/panels/overseer.html",
            frozenset({Role.LA_CONTACT, Role.ESCALATION_OFFICER, Role.ADMIN}),
            order=60,
        ),
    ),
    demo=plan_observatory,
)
