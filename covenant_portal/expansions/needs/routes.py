"""Needs statements: the combined view (page and CSV) and publishing, changing, withdrawing."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from covenant_portal.access import ANY_SIGNED_IN, Role, allowed
from covenant_portal.db import get_session, utcnow
from covenant_portal.expansions.dashboard import panel_figures
from covenant_portal.expansions.common import ExpansionError, Invalid, gm_authorities
from covenant_portal.filters import london_day
from covenant_portal.expansions.forms import ButtonForm, NeedForm, NeedsFilterForm
from covenant_portal.expansions.models import NEED_CATEGORY_LABELS
from covenant_portal.expansions.needs import service
from covenant_portal.expansions.views import show_problems
from covenant_portal.web import current_actor, found_or_404
from covenant_portal.web.csv import csv_response
from covenant_portal.web.forms import add_error
from covenant_portal.web.views import Confirmation, confirmation_page, form_page, signed_in_user

blueprint = Blueprint("expansion_needs", __name__)
EDITORS = (Role.LA_CONTACT, Role.ADMIN)


def _filter_form(session) -> NeedsFilterForm:
    form = NeedsFilterForm(formdata=request.args)
    form.local_authority.choices = [("", "All local authorities")] + [
        (la.ons_code, la.name) for la in gm_authorities(session)
    ]
    form.category.choices = [("", "All categories")] + [(str(c), label) for c, label in NEED_CATEGORY_LABELS.items()]
    return form


def _chosen(form: NeedsFilterForm) -> tuple[str, str]:
    """The LA (ONS code) and category filtered by: anything not offered (a hand-made URL) is ignored."""
    authority, category = form.local_authority.data or "", form.category.data or ""
    return (
        authority if authority in dict(form.local_authority.choices) else "",
        category if category in dict(form.category.choices) else "",
    )


@blueprint.get("/expansions/needs")
@allowed(*ANY_SIGNED_IN)
def needs():
    session = get_session()
    form = _filter_form(session)
    found = service.combined(session, *_chosen(form))
    return render_template(
        "expansions/needs.html",
        form=form,
        needs=found,
        today=london_day(utcnow()),
        may_edit=lambda need: service.may_edit(current_user, need.local_authority_id),
        may_publish=current_user.role in EDITORS,
    )


@blueprint.get("/expansions/needs.csv")
@allowed(*ANY_SIGNED_IN)
def needs_csv():
    session = get_session()
    form = _filter_form(session)
    found = service.combined(session, *_chosen(form))
    return csv_response("needs-statements.csv", service.CSV_HEADER, service.csv_rows(found, london_day(utcnow())))


def _need_form(session, need=None) -> NeedForm:
    form = NeedForm() if request.method == "POST" or need is None else NeedForm(obj=need)
    form.local_authority.choices = [(str(la.id), la.name) for la in gm_authorities(session)]
    if need is not None and request.method != "POST":
        form.category.data = str(need.category)
        form.priority.data = str(need.priority)
        form.age_from.data, form.age_to.data = str(need.age_from), str(need.age_to)
        form.places_wanted.data = str(need.places_wanted)
    return form


def _typed(form: NeedForm) -> service.NeedInput:
    authority = form.local_authority.data or ""
    return service.NeedInput(
        local_authority_id=int(authority) if authority.isdigit() and len(authority) < 10 else None,
        category=form.category.data or "",
        age_from=form.age_from.data or "",
        age_to=form.age_to.data or "",
        places_wanted=form.places_wanted.data or "",
        priority=form.priority.data or "",
        area=form.area.data or "",
        notes=form.notes.data or "",
        review_on=form.review_on.data,
    )


def _show_errors(form, invalid: Invalid) -> None:
    for name, message in invalid.errors.items():
        add_error(form, name, message)


@blueprint.route("/expansions/needs/new", methods=["GET", "POST"])
@allowed(*EDITORS)
def new_need():
    session = get_session()
    form = _need_form(session)
    if not form.validate_on_submit():
        if form.is_submitted():
            show_problems(form, service.problems(_typed(form), utcnow()))
        return form_page("expansions/need_form.html", form, need=None)
    try:
        service.publish(session, signed_in_user(), _typed(form), current_actor(), utcnow())
    except Invalid as invalid:
        _show_errors(form, invalid)
        return form_page("expansions/need_form.html", form, need=None)
    flash("The need is published. Providers can see it now.", "success")
    return redirect(url_for("expansion_needs.needs"))


def _editable(need_id: int):
    need = found_or_404(service.current_need(get_session(), need_id))
    return found_or_404(need if service.may_edit(current_user, need.local_authority_id) else None)


@blueprint.route("/expansions/needs/<int:need_id>/edit", methods=["GET", "POST"])
@allowed(*EDITORS)
def edit_need(need_id):
    session = get_session()
    need = _editable(need_id)
    form = _need_form(session, need)
    if not form.validate_on_submit():
        if form.is_submitted():
            show_problems(form, service.problems(_typed(form), utcnow()))
        return form_page("expansions/need_form.html", form, need=need)
    try:
        service.change(session, signed_in_user(), need, _typed(form), current_actor(), utcnow())
    except Invalid as invalid:
        _show_errors(form, invalid)
        return form_page("expansions/need_form.html", form, need=need)
    flash("The need is changed.", "success")
    return redirect(url_for("expansion_needs.needs"))


@blueprint.route("/expansions/needs/<int:need_id>/withdraw", methods=["GET", "POST"])
@allowed(*EDITORS)
def withdraw_need(need_id):
    need = _editable(need_id)
    form = ButtonForm()
    if not form.validate_on_submit():
        return confirmation_page(
            Confirmation(
                heading=f"Withdraw this need for {need.local_authority.name}?",
                consequences=[
                    f"{need.category.label}, ages {need.age_from} to {need.age_to}: providers will no longer see it."
                ],
                button="Withdraw the need",
                action_url=url_for("expansion_needs.withdraw_need", need_id=need.id),
                cancel_url=url_for("expansion_needs.needs"),
            )
        )
    try:
        service.withdraw(get_session(), signed_in_user(), need, current_actor(), utcnow())
        flash("The need is withdrawn. Providers no longer see it.", "success")
    except ExpansionError as error:
        flash(str(error), "error")
    return redirect(url_for("expansion_needs.needs"))


@blueprint.app_context_processor
def inject_expansion_figures():
    # A function, called by the dashboards only when they show their panels, so other pages query nothing.
    return {"expansion_figures": panel_figures}
