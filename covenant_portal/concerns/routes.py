"""Concerns' pages: the list, raising one, a concern with its timeline and timers, messages and
closing. Thin: the rules are in service.py and timers.py."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from covenant_portal.access import Role, allowed
from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation
from covenant_portal.concerns import actions, dashboard, overview, service, steps, timers
from covenant_portal.concerns import forms as step_forms
from covenant_portal.concerns.forms import ActionDoneForm, CloseForm, MessageForm, RaiseForm
from covenant_portal.concerns.learning.service import summaries_of
from covenant_portal.concerns.models import LearningResponse, Side, Stage, Timer
from covenant_portal.concerns.parties import party_name
from covenant_portal.db import get_session, utcnow
from covenant_portal.filters import LONDON
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.signing.service import with_current_key
from covenant_portal.web import found_or_404, stale
from covenant_portal.web.csv import csv_response
from covenant_portal.web.forms import add_error
from covenant_portal.web.views import form_page

blueprint = Blueprint("concerns", __name__)
PARTIES = (Role.PROVIDER, Role.LA_CONTACT, Role.ESCALATION_OFFICER)


@blueprint.app_context_processor
def _panel():
    return {"concern_panel_rows": dashboard.panel_rows}


def _today():
    return utcnow().astimezone(LONDON).date()


@blueprint.get("/concerns")
@allowed(*PARTIES)
def concerns():
    found = service.concerns_for(get_session(), current_user)
    return render_template(
        "concerns/list.html",
        concerns=found,
        today=_today(),
        timers=timers,
        is_officer=service.is_officer(current_user),
        party=party_name(current_user),
    )


@blueprint.get("/concerns/overview")
@allowed(Role.ESCALATION_OFFICER)
def overview_page():
    return render_template("concerns/overview.html", figures=overview.stage_figures(get_session()))


@blueprint.get("/concerns/overview.csv")
@allowed(Role.ESCALATION_OFFICER)
def overview_csv():
    rows = (figure.csv_row() for figure in overview.stage_figures(get_session()))
    return csv_response("gm-first-concerns-by-stage.csv", overview.CSV_HEADER, rows)


def _parties_to_raise_about(session) -> list[tuple[str, str]]:
    providers = [(f"{Side.PROVIDER}:{org.id}", org.name) for org in session.scalars(select(ProviderOrganisation))]
    authorities = [
        (f"{Side.LOCAL_AUTHORITY}:{la.id}", la.name)
        for la in session.scalars(select(LocalAuthority).where(LocalAuthority.is_greater_manchester))
    ]
    if current_user.role is Role.PROVIDER:
        return authorities
    if current_user.role is Role.LA_CONTACT:
        return providers
    return authorities + providers


@blueprint.route("/concerns/new", methods=["GET", "POST"])
@allowed(*PARTIES)
def raise_concern():
    session = get_session()
    now = utcnow()
    form = RaiseForm(_parties_to_raise_about(session), now)
    if not form.validate_on_submit():
        return form_page("concerns/new.html", form)
    try:
        concern = service.raise_concern(session, current_user, form.details(), now)
    except service.ConcernError as error:
        add_error(form, error.field if error.field in form else "about", error.message)
        return form_page("concerns/new.html", form)
    flash("Concern raised. The other party has 2 working days to acknowledge it.", "success")
    return redirect(url_for("concerns.concern", concern_id=concern.id))


def _page(concern, message_form=None, close_form=None, status=200):
    return (
        render_template(
            "concerns/concern.html",
            concern=concern,
            today=_today(),
            timers=timers,
            labels=service.STAGE_LABELS,
            message_form=message_form or MessageForm(),
            close_form=close_form or CloseForm(),
            is_officer=service.is_officer(current_user),
            steps=[(name, STEPS[name][0]) for name in service.steps_open_to(concern, current_user)],
            missing=service.missing_for_closure(concern),
            raised_by=dashboard.raised_by(concern),
            closures=service.closures_of(get_session(), concern),
            summaries=summaries_of(get_session(), concern),
            form=message_form if message_form is not None and message_form.errors else close_form,
        ),
        status,
    )


@blueprint.get("/concerns/<int:concern_id>")
@allowed(*PARTIES)
def concern(concern_id):
    return _page(found_or_404(service.visible_concern(get_session(), concern_id, current_user)))


@blueprint.post("/concerns/<int:concern_id>/messages")
@allowed(*PARTIES)
def send_message(concern_id):
    session = get_session()
    found = found_or_404(service.visible_concern(session, concern_id, current_user))
    form = MessageForm()
    if not form.validate_on_submit():
        return _page(found, message_form=form, status=400)
    service.send_message(session, found, current_user, form.message.data, utcnow())
    flash("Message sent.", "success")
    return redirect(url_for("concerns.concern", concern_id=found.id))


@blueprint.post("/concerns/<int:concern_id>/close")
@allowed(Role.ESCALATION_OFFICER)
def close(concern_id):
    session = get_session()
    found = found_or_404(service.visible_concern(session, concern_id, current_user))
    form = CloseForm()
    if not form.validate_on_submit():
        return _page(found, close_form=form, status=400)
    try:
        with_current_key(portal_key, lambda key: service.close(session, key, found, current_user, utcnow()))
    except service.ConcernError as error:
        if found.stage is Stage.CLOSED:  # closed meanwhile, from another tab or by another officer
            flash("Nothing was changed: this concern is already closed.", "info")
            return redirect(url_for("concerns.concern", concern_id=found.id))
        form.submit.errors = [error.message]
        return _page(found, close_form=form, status=400)
    flash("Concern closed.", "success")
    return redirect(url_for("concerns.concern", concern_id=found.id))


@blueprint.get("/concerns/<int:concern_id>/closures/<int:closure_id>/receipt")
@allowed(*PARTIES)
def closure_receipt(concern_id, closure_id):
    session = get_session()
    found = found_or_404(service.visible_concern(session, concern_id, current_user))
    closure = found_or_404(next((item for item in service.closures_of(session, found) if item.id == closure_id), None))
    return Response(
        service.receipt_bytes(session, closure),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="gm-first-receipt-GMF-{closure.ledger_seq:06d}.json"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@blueprint.route("/concerns/<int:concern_id>/actions/<int:action_id>/done", methods=["GET", "POST"])
@allowed(*PARTIES)
def action_done(concern_id, action_id):
    session = get_session()
    found = found_or_404(service.visible_concern(session, concern_id, current_user))
    action = found_or_404(actions.action_of(found, action_id))
    if action.done_at is not None and request.method != "POST":
        abort(404)  # done: nothing to do on its page; sent from a page opened before, it is a 409 (mark_done)
    form = ActionDoneForm()
    context = {"concern": found, "action": action}
    stale.back_to(url_for("concerns.concern", concern_id=found.id))
    stale.show_again("concerns/action_done.html", form=form, **context)
    if action.done_at is not None:  # marked done since its page was opened: 409, what was typed kept
        form.validate_on_submit()
        raise actions.done_meanwhile(found, action, current_user)
    if not form.validate_on_submit():
        return form_page("concerns/action_done.html", form, **context)
    try:
        actions.mark_done(session, found, action, current_user, form.note.data or "", utcnow())
    except service.ConcernError as error:
        session.rollback()
        if action.done_at is not None:  # at the same moment, by someone else
            raise actions.done_meanwhile(found, action, current_user) from None
        add_error(form, "note", error.message)
        return form_page("concerns/action_done.html", form, **context)
    flash("Action marked done.", "success")
    return redirect(url_for("concerns.concern", concern_id=found.id))


def _resolve(session, concern, form, now):
    service.resolve(session, concern, current_user, now, (form.reasons.data or "") if "reasons" in form else "")


# Each step: its page's heading, its form, what the service is asked, and what the page then says.
STEPS = {
    "acknowledge": (
        "Acknowledge the concern",
        step_forms.AcknowledgeForm,
        lambda session, c, form, now: service.acknowledge(session, c, current_user, now, form.note.data or ""),
        "Concern acknowledged.",
    ),
    "propose": (
        "Propose a resolution",
        step_forms.ProposeForm,
        lambda session, c, form, now: service.propose_resolution(session, c, current_user, form.resolution.data, now),
        "Resolution proposed.",
    ),
    "resolve": ("Resolve the concern", step_forms.ResolveForm, _resolve, "Concern resolved."),
    "arrange": (
        "Arrange the learning response",
        step_forms.ArrangeForm,
        lambda session, c, form, now: service.arrange_learning(
            session,
            c,
            current_user,
            LearningResponse(form.response.data),
            form.on.data,
            form.meeting_format.data,
            form.attendees.data,
            now,
        ),
        "Learning response arranged.",
    ),
    "held": (
        "Record the learning response as held",
        step_forms.HeldForm,
        lambda session, c, form, now: service.record_held(session, c, current_user, form.notes.data, now),
        "Learning response recorded as held.",
    ),
    "learning": (
        "Record the learning",
        step_forms.LearningForm,
        lambda session, c, form, now: service.record_learning(session, c, current_user, form.details(), now),
        "Learning recorded. An escalation officer can now close the concern.",
    ),
    "reopen": (
        "Reopen the concern",
        step_forms.ReopenForm,
        lambda session, c, form, now: service.reopen(session, c, current_user, form.reason.data, now),
        "Concern reopened.",
    ),
    "extend": (
        "Extend a deadline",
        step_forms.ExtendForm,
        lambda session, c, form, now: service.extend(
            session, c, current_user, Timer(form.timer.data), int(form.days.data), form.reason.data, now
        ),
        "Deadline extended.",
    ),
}


FIELDS_OF_SERVICE = {"format": "meeting_format", "actions": "action_1"}


def _step_view(name: str):
    heading, form_class, take, done = STEPS[name]

    def view(concern_id):
        session = get_session()
        found = found_or_404(service.visible_concern(session, concern_id, current_user))
        stale.back_to(url_for("concerns.concern", concern_id=found.id))
        is_open = name in service.steps_open_to(found, current_user)
        if not is_open and request.method != "POST":
            abort(404)
        form = form_class()
        if not form.is_submitted():
            form.seen.data = steps.step_version(found)
        if name == "resolve" and not service.is_officer(current_user):
            del form.reasons  # the raiser agrees; only an officer deciding gives reasons
        context = {"concern": found, "heading": heading, "labels": service.STAGE_LABELS}
        # Sent from a page opened before the concern moved on (another tab, a colleague): 409, this
        # page again with what was typed, beside the concern as it is now (the form only if still open).
        stale.show_again(
            "concerns/step.html",
            form=form,
            last_step=lambda: steps.last_step(found),
            still_open=lambda: name in service.steps_open_to(found, current_user),
            **context,
        )
        if not is_open:
            steps.check_step(session, found, current_user, name, None)
        if not form.validate_on_submit():
            return form_page("concerns/step.html", form, **context)
        try:
            steps.check_step(session, found, current_user, name, stale.seen_in(form))  # in take's transaction
            take(session, found, form, utcnow())
        except service.ConcernError as error:
            session.rollback()
            field = FIELDS_OF_SERVICE.get(error.field, error.field)
            add_error(form, field if field in form else "submit", error.message)
            return form_page("concerns/step.html", form, **context)
        flash(done, "success")
        return redirect(url_for("concerns.concern", concern_id=found.id))

    view.__name__ = name
    return allowed(*PARTIES)(view)


for _name in STEPS:
    blueprint.add_url_rule(f"/concerns/<int:concern_id>/{_name}", _name, _step_view(_name), methods=["GET", "POST"])
