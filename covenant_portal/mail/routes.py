"""The mail log, for portal administrators: every email the portal has queued, sent or given up on."""

from flask import Blueprint, current_app, render_template, request

from covenant_portal.access import allowed
from covenant_portal.access import Role
from covenant_portal.db import get_session
from covenant_portal.mail import service
from covenant_portal.mail.forms import MailLogFilterForm
from covenant_portal.mail.models import OutboxMessage
from covenant_portal.web import found_or_404

blueprint = Blueprint("mail", __name__)


@blueprint.get("/admin/mail-log")
@allowed(Role.ADMIN)
def log():
    session = get_session()
    form = MailLogFilterForm(formdata=request.args)
    page = {
        "form": form,
        "counts": service.count_by_status(session),
        "sending_on": _sending_on(),
        "limit": service.MAIL_LOG_LIMIT,
    }
    if not form.validate():
        return render_template("admin/mail_log.html", messages=None, **page), 400
    return render_template("admin/mail_log.html", messages=service.find_messages(session, form.to_filter()), **page)


@blueprint.get("/admin/mail-log/<int:message_id>")
@allowed(Role.ADMIN)
def message(message_id: int):
    found = found_or_404(get_session().get(OutboxMessage, message_id))
    return render_template("admin/mail_message.html", message=found, sending_on=_sending_on())


def _sending_on() -> bool:
    return bool(current_app.config["MAIL_SERVER"])
