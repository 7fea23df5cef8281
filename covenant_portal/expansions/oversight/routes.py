"""The overseers' list of expansion proposals (admins, escalation officers): read only, reached from
the navigation ("Expansions"); each proposal opens on the LAs' page of it."""

from flask import Blueprint, render_template, request, url_for

from covenant_portal.access import Role, allowed
from covenant_portal.db import get_session, utcnow
from covenant_portal.expansions.common import gm_authorities
from covenant_portal.expansions.forms import OverseenFilterForm
from covenant_portal.expansions.models import ProposalStatus
from covenant_portal.expansions.oversight import service
from covenant_portal.filters import london_day
from covenant_portal.web.paging import page_number, page_of, pagination

blueprint = Blueprint("expansion_oversight", __name__)
OVERSEERS = (Role.ADMIN, Role.ESCALATION_OFFICER)
PER_PAGE = 50  # proposals a page of the list


@blueprint.get("/expansions/oversight")
@allowed(*OVERSEERS)
def proposals():
    page = page_number()  # a page that is not one is not found, before anything is read
    session = get_session()
    authorities = gm_authorities(session)
    form = OverseenFilterForm(formdata=request.args)
    form.local_authority.choices = [("", "All local authorities")] + [(la.ons_code, la.name) for la in authorities]
    form.status.choices = [("", "All statuses")] + [(str(status), status.label) for status in service.STATUSES]
    # Anything not offered (a hand-made URL) is ignored.
    chosen_la = next((la for la in authorities if la.ons_code == form.local_authority.data), None)
    chosen_status = next((status for status in service.STATUSES if str(status) == form.status.data), None)
    form.local_authority.data = chosen_la.ons_code if chosen_la else ""
    form.status.data = str(chosen_status) if chosen_status else ""
    listed = page_of(
        service.overseen(
            session,
            london_day(utcnow()),
            chosen_la.id if chosen_la else None,
            ProposalStatus(chosen_status) if chosen_status else None,
        ),
        page,
        PER_PAGE,
    )
    filters = {"local_authority": form.local_authority.data or None, "status": form.status.data or None}
    return render_template(
        "expansions/overseen.html",
        form=form,
        listed=listed,
        overseen=listed.rows,
        pagination=pagination(
            listed.page,
            listed.pages,
            lambda n: url_for("expansion_oversight.proposals", **filters, page=n),
            "Pages of expansion proposals",
        ),
        chosen_la=chosen_la,
        chosen_status=chosen_status,
    )
