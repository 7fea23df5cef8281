"""The learning library's pages: browsing and searching it, a summary, an officer writing and
publishing one, and a party agreeing (or not) to show its name. Thin: the rules are in service.py."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from covenant_portal.access import ANY_SIGNED_IN, Role, allowed
from covenant_portal.concerns.forms import CATEGORY_LABELS
from covenant_portal.concerns.learning import library as shelves
from covenant_portal.concerns.learning import names as naming
from covenant_portal.concerns.learning import service
from covenant_portal.concerns.learning.forms import (
    KIND_LABELS,
    THEME_LABELS,
    AgreementForm,
    ConcernSummaryForm,
    EditForm,
    GoodPracticeForm,
    LibraryFilterForm,
    PublishForm,
)
from covenant_portal.concerns.learning.models import SummaryKind, SummaryStatus
from covenant_portal.concerns.models import Stage
from covenant_portal.concerns.service import ConcernError, visible_concern
from covenant_portal.db import get_session, utcnow
from covenant_portal.web import found_or_404, stale
from covenant_portal.web.forms import add_error
from covenant_portal.web.views import form_page

blueprint = Blueprint("learning", __name__)
LABELS = {
    "categories": CATEGORY_LABELS,
    "kinds": KIND_LABELS,
    "theme_words": lambda summary: ", ".join(THEME_LABELS[theme] for theme in summary.theme_values),
}


@blueprint.get("/learning")
@allowed(*ANY_SIGNED_IN)
def library():
    form = LibraryFilterForm(formdata=request.args)
    if request.args:
        form.validate()
    # A search refused (too long, or holding what may identify a child) lists nothing: the whole
    # library under an error would read as its results.
    found = [] if form.errors else shelves.library(get_session(), current_user, *form.chosen())
    status = 400 if form.errors else 200
    return render_template("learning/library.html", form=form, summaries=found, **LABELS), status


@blueprint.get("/learning/<int:summary_id>")
@allowed(*ANY_SIGNED_IN)
def summary(summary_id):
    session = get_session()
    found = found_or_404(service.visible_summary(session, summary_id, current_user))
    form = PublishForm()
    form.seen.data = service.version_seen(found)
    return _summary_page(found, form)


def _summary_page(found, publish_form, status=200):
    return (
        render_template(
            "learning/summary.html",
            shown=shelves.shown(get_session(), found),
            publish_form=publish_form,
            form=publish_form,
            may_publish=current_user.role is Role.ESCALATION_OFFICER and found.status is SummaryStatus.DRAFT,
            **LABELS,
        ),
        status,
    )


def _saved(form, template, save, **context):
    """Shows the form, or saves what it holds and goes to the summary; a refusal goes next to its field."""
    if not form.validate_on_submit():
        return form_page(template, form, **context)
    try:
        saved = save()
    except ConcernError as error:
        get_session().rollback()
        add_error(form, error.field if error.field in form else "title", error.message)
        return form_page(template, form, **context)
    flash("Draft saved. Check it, then publish it.", "success")
    return redirect(url_for("learning.summary", summary_id=saved.id))


@blueprint.route("/learning/new", methods=["GET", "POST"])
@allowed(Role.ESCALATION_OFFICER)
def new_good_practice():
    form = GoodPracticeForm()
    return _saved(
        form,
        "learning/form.html",
        lambda: service.draft_good_practice(get_session(), current_user, form.chosen_category(), form.text(), utcnow()),
        heading="Write up good practice",
    )


@blueprint.route("/concerns/<int:concern_id>/learning-summary", methods=["GET", "POST"])
@allowed(Role.ESCALATION_OFFICER)
def from_concern(concern_id):
    session = get_session()
    concern = found_or_404(visible_concern(session, concern_id, current_user))
    found_or_404(concern.stage is Stage.CLOSED or None)
    form = ConcernSummaryForm()
    return _saved(
        form,
        "learning/form.html",
        lambda: service.draft_from_concern(
            session, current_user, concern, SummaryKind(form.kind.data), form.text(), utcnow()
        ),
        heading=f"Write a learning summary of concern {concern.id}",
        concern=concern,
    )


@blueprint.route("/learning/<int:summary_id>/edit", methods=["GET", "POST"])
@allowed(Role.ESCALATION_OFFICER)
def edit(summary_id):
    session = get_session()
    found = found_or_404(service.visible_summary(session, summary_id, current_user))
    found_or_404(found.status is SummaryStatus.DRAFT or None)
    form = EditForm() if request.method == "POST" else EditForm(obj=found)
    if request.method != "POST":
        form.themes.data = [theme.value for theme in found.theme_values]
        form.seen.data = service.version_seen(found)
    context = {"heading": "Change the draft summary", "summary": found, "theme_words": LABELS["theme_words"]}
    # Changed since this page was opened (another tab, another officer): shown again (409) with what
    # was typed, beside the draft as it is now, to save again knowingly.
    stale.show_again("learning/form.html", current_as="summary", form=form, **context)

    def save():
        service.edit(session, current_user, found, form.text(), utcnow(), seen=stale.seen_in(form))
        return found

    return _saved(form, "learning/form.html", save, **context)


@blueprint.post("/learning/<int:summary_id>/publish")
@allowed(Role.ESCALATION_OFFICER)
def publish(summary_id):
    session = get_session()
    found = found_or_404(service.visible_summary(session, summary_id, current_user))
    form = PublishForm()
    stale.back_to(url_for("learning.summary", summary_id=found.id))  # changed since its page was opened: 409
    if not form.validate_on_submit():
        return _summary_page(found, form, 400)
    try:
        service.publish(session, current_user, found, utcnow(), seen=stale.seen_in(form))
    except ConcernError as error:
        session.rollback()
        if found.status is SummaryStatus.PUBLISHED:  # published meanwhile, from another tab or by another officer
            flash("Nothing was changed: this summary is already published.", "info")
            return redirect(url_for("learning.summary", summary_id=found.id))
        form.submit.errors = [error.message]
        return _summary_page(found, form, 400)
    flash("Summary published in the learning library.", "success")
    return redirect(url_for("learning.summary", summary_id=found.id))


@blueprint.route("/learning/<int:summary_id>/names", methods=["GET", "POST"])
@allowed(Role.PROVIDER, Role.LA_CONTACT)
def names(summary_id):
    session = get_session()
    found = found_or_404(service.summary_for_party(session, summary_id, current_user))
    form = AgreementForm()
    # Only a press of one of the two buttons changes anything: a post with neither withdraws nothing.
    if form.validate_on_submit() and (form.agree.data or form.withdraw.data):
        if form.agree.data:
            service.agree(session, current_user, found, utcnow())
            flash("Your agreement is recorded.", "success")
        else:
            service.withdraw(session, current_user, found, utcnow())
            flash("Your agreement is withdrawn: the names are not shown.", "success")
        return redirect(url_for("learning.names", summary_id=found.id))
    role = service.party_role(found, current_user)
    return form_page(
        "learning/names.html",
        form,
        summary=found,
        shown=shelves.shown(session, found),
        agreed=getattr(found, f"{role}_agreed_at") is not None,
        names_shown=service.names_shown(found),
        named=shelves.parties_named(found.concern),
        one_party=not naming.has_raiser_party(found.concern),
        **LABELS,
    )
