"""The audit trail, for portal administrators: who changed what, when and from where."""

from flask import Blueprint, current_app, render_template, request

from covenant_portal.access import allowed
from covenant_portal.access import Role
from covenant_portal.audit import service
from covenant_portal.audit.forms import audit_filter_form
from covenant_portal.audit.vocabulary import described_events
from covenant_portal.db import get_session

blueprint = Blueprint("audit", __name__)

EVENTS_SHOWN = 200


@blueprint.get("/admin/audit")
@allowed(Role.ADMIN)
def events():
    session = get_session()
    vocabulary = current_app.extensions["audit_vocabulary"]
    form = audit_filter_form(
        request.args, service.known_actions(session), service.known_object_types(session), vocabulary
    )
    if not form.validate():
        return render_template("admin/audit_events.html", form=form, events=None), 400
    found = described_events(session, service.find_events(session, form.to_filter(), limit=EVENTS_SHOWN), vocabulary)
    return render_template("admin/audit_events.html", form=form, events=found, limit=EVENTS_SHOWN)
