"""Provider homes: the organisation's people see them, its admins record and change them; LA contacts
see the homes hosted in their area."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from covenant_portal.access import allowed
from covenant_portal.web.forms import add_error
from covenant_portal.access import Role
from covenant_portal.web.views import form_page
from covenant_portal.db import get_session, utcnow
from covenant_portal.homes import service
from covenant_portal.homes.forms import HomeForm
from covenant_portal.web import current_actor, found_or_404, stale

blueprint = Blueprint("homes", __name__)


@blueprint.app_context_processor
def inject_labels():
    return {
        "home_type_labels": service.HOME_TYPE_LABELS,
        "home_status_labels": service.STATUS_LABELS,
        "need_labels": service.NEED_LABELS,
    }


def _own_home(home_id: int):
    return found_or_404(service.home_of(get_session(), current_user.organisation_id, home_id))


@blueprint.get("/homes")
@allowed(Role.PROVIDER)
def homes():
    return render_template("homes/list.html", homes=service.homes_of(get_session(), current_user.organisation_id))


@blueprint.route("/homes/new", methods=["GET", "POST"])
@allowed(Role.PROVIDER, organisation_admin=True)
def new_home():
    session = get_session()
    form = HomeForm(service.host_authorities(session))
    if not form.validate_on_submit():
        return form_page("homes/form.html", form, home=None)
    try:
        home = service.add_home(session, current_user.organisation_id, form.details(), current_actor(), utcnow())
    except service.HomeError as error:
        add_error(form, error.field, str(error))
        return form_page("homes/form.html", form, home=None)
    flash(f"{home.name} has been added to your homes.", "success")
    return redirect(url_for("homes.home", home_id=home.id))


@blueprint.get("/homes/<int:home_id>")
@allowed(Role.PROVIDER)
def home(home_id):
    return render_template("homes/detail.html", home=_own_home(home_id))


@blueprint.route("/homes/<int:home_id>/edit", methods=["GET", "POST"])
@allowed(Role.PROVIDER, organisation_admin=True)
def edit_home(home_id):
    session = get_session()
    home = _own_home(home_id)
    authorities = service.host_authorities(session)
    # A submitted form shows what was typed; otherwise the home as it is.
    form = HomeForm(authorities) if request.method == "POST" else HomeForm.for_home(authorities, home)
    if not form.validate_on_submit():
        return form_page("homes/form.html", form, home=home)
    # Changed meanwhile (409): what was typed, beside the home as it is now; saving again replaces it.
    stale.show_again("homes/form.html", current_as="home", form=form)
    try:
        changed = service.change_home(
            session, home, form.details(), current_actor(), utcnow(), seen=stale.seen_in(form)
        )
    except service.HomeError as error:
        add_error(form, error.field, str(error))
        return form_page("homes/form.html", form, home=home)
    flash(f"{home.name} has been updated." if changed else "Nothing was changed.", "success")
    return redirect(url_for("homes.home", home_id=home.id))


@blueprint.get("/la/homes")
@allowed(Role.LA_CONTACT)
def la_homes():
    authority = current_user.local_authority
    return render_template(
        "homes/la_list.html", authority=authority, homes=service.homes_hosted_in(get_session(), authority.id)
    )
