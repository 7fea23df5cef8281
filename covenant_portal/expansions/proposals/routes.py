"""The provider's side of a proposal: the draft section by section, checking and submitting,
signed versions (with their differences and receipts), answering, messaging, withdrawing, revising."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from covenant_portal.access import Role, allowed
from covenant_portal.db import get_session, utcnow
from covenant_portal.expansions.common import ExpansionError, Invalid, gm_authorities, timeline
from covenant_portal.filters import london_day
from covenant_portal.expansions.forms import (
    SECTION_FORMS,
    AnswerForm,
    ButtonForm,
    MessageForm,
    SubmitProposalForm,
)
from covenant_portal.expansions.proposals import drafts, rules, submission, wording
from covenant_portal.expansions.triage import service as triage
from covenant_portal.expansions.views import posted, show_problems
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.web import current_actor, found_or_404
from covenant_portal.web.forms import add_error
from covenant_portal.web.views import Confirmation, confirmation_page, email_links, form_page, signed_in_user

blueprint = Blueprint("expansion_proposals", __name__)


def _own(proposal_id: int):
    return found_or_404(drafts.proposal_of(get_session(), current_user.organisation_id, proposal_id))


@blueprint.get("/expansions/proposals")
@allowed(Role.PROVIDER)
def proposals():
    session = get_session()
    found = drafts.proposals_of(session, current_user.organisation_id)
    # A draft's host LA is only in its answers until it is submitted: its name, by ONS code.
    hosts = {authority.ons_code: authority.name for authority in gm_authorities(session)}
    return render_template("expansions/proposals.html", proposals=found, hosts=hosts, form=ButtonForm())


@blueprint.post("/expansions/proposals/new")
@allowed(Role.PROVIDER)
def start():
    form = ButtonForm()
    if not form.validate_on_submit():
        return redirect(url_for("expansion_proposals.proposals"))
    proposal = drafts.start_proposal(get_session(), signed_in_user(), current_actor(), utcnow())
    return redirect(url_for("expansion_proposals.section", proposal_id=proposal.id, section="service"))


@blueprint.get("/expansions/proposals/<int:proposal_id>")
@allowed(Role.PROVIDER)
def proposal(proposal_id):
    session = get_session()
    found = _own(proposal_id)
    version = found.latest_version
    return render_template(
        "expansions/proposal.html",
        proposal=found,
        sections=rules.SECTIONS,
        status_of=lambda section: drafts.section_status(found, section),
        version=version,
        clock=triage.clock_of(session, version, london_day(utcnow())) if version else None,
        responded=triage.first_response(session, version.id) if version else None,
        events=timeline(session, found.id),
        outcomes=triage.outcomes_of(session, found.id),
        info_request=triage.open_request(session, found),
        answer_form=AnswerForm(),
        message_form=MessageForm(),
        button=ButtonForm(),
        OPEN=submission.OPEN,
        CLOSED=submission.CLOSED,
    )


def _section_page(form, found, section, status=200, conflict=None):
    return (
        render_template(
            "expansions/section.html",
            form=form,
            proposal=found,
            section=section,
            title=rules.SECTIONS[section][0],
            questions=rules.questions(section),
            conflict=conflict,
        ),
        400 if form.errors else status,
    )


@blueprint.route("/expansions/proposals/<int:proposal_id>/sections/<section>", methods=["GET", "POST"])
@allowed(Role.PROVIDER)
def section(proposal_id, section):
    session = get_session()
    found = _own(proposal_id)
    form_class = found_or_404(SECTION_FORMS.get(section))
    if found.draft is None:
        return redirect(url_for("expansion_proposals.proposal", proposal_id=found.id))
    form = form_class()
    if request.method == "GET":
        form.fill((found.draft or {}).get(section) or {})
        form.show(drafts.seen(found, section))
    form.offer(drafts.choices(session, {**found.draft, section: form.answers()}))
    if not form.validate_on_submit():
        if form.is_submitted():
            show_problems(form, drafts.section_problems(session, found, section, form.answers(), utcnow()))
        return _section_page(form, found, section)
    try:
        drafts.save_section(
            session, found, section, form.answers(), form.shown(), signed_in_user(), current_actor(), utcnow()
        )
    except Invalid as invalid:
        for name, message in invalid.errors.items():
            add_error(form, name, message)
        return _section_page(form, found, section)
    except drafts.DraftConflict as conflict:
        form.show(drafts.Seen(conflict.lock, conflict.fingerprint))
        return _section_page(form, found, section, status=409, conflict=conflict)
    except ExpansionError as error:
        flash(str(error), "error")
        return redirect(url_for("expansion_proposals.proposal", proposal_id=found.id))
    following = list(rules.SECTIONS)
    at = following.index(section)
    if at + 1 < len(following) and not (found.draft or {}).get(following[at + 1]):
        return redirect(url_for("expansion_proposals.section", proposal_id=found.id, section=following[at + 1]))
    return redirect(url_for("expansion_proposals.check", proposal_id=found.id))


@blueprint.route("/expansions/proposals/<int:proposal_id>/check", methods=["GET", "POST"])
@allowed(Role.PROVIDER)
def check(proposal_id):
    session = get_session()
    found = _own(proposal_id)
    if found.draft is None:
        return redirect(url_for("expansion_proposals.proposal", proposal_id=found.id))
    form = SubmitProposalForm()
    if request.method == "GET":
        form.draft_lock.data = str(found.draft_lock)
    problem = None
    if form.validate_on_submit():
        try:
            version = submission.submit(
                session, email_links(), portal_key, signed_in_user(), found, form.lock(), current_actor(), utcnow()
            )
        except ExpansionError as error:
            session.rollback()
            problem = str(error)
            form.draft_lock.data = str(found.draft_lock)
        else:
            flash(f"Version {version.version} of your proposal is submitted and signed.", "success")
            return redirect(url_for("expansion_proposals.proposal", proposal_id=found.id))
    return (
        render_template(
            "expansions/check.html",
            form=form,
            proposal=found,
            shown=wording.in_words(found.draft, drafts.choices(session, found.draft)),
            unfinished=drafts.unfinished(session, found, london_day(utcnow())),
            problem=problem,
        ),
        400 if problem else 200,
    )


@blueprint.get("/expansions/proposals/<int:proposal_id>/versions/<int:version>")
@allowed(Role.PROVIDER)
def version(proposal_id, version):
    found = _own(proposal_id)
    return _version_page(found, version)


def _version_page(found, number: int, back: str = "expansion_proposals.proposal", kept: dict | None = None):
    """A signed version's page; its back link goes to the proposal's page `back`, with the way back
    from there (`kept`: the query string the proposal's page was opened with) carried along."""
    chosen = found_or_404(next((v for v in found.versions if v.version == number), None))
    return render_template(
        "expansions/version.html",
        proposal=found,
        version=chosen,
        shown=wording.version_in_words(chosen.document),
        changes=wording.changes_since_previous(chosen),
        back=back,
        kept=kept or {},
    )


@blueprint.post("/expansions/proposals/<int:proposal_id>/answer")
@allowed(Role.PROVIDER)
def answer(proposal_id):
    found = _own(proposal_id)
    form = AnswerForm()
    return _act(
        form,
        found,
        "answer",
        lambda: triage.answer_information(
            get_session(), email_links(), signed_in_user(), found, form.answer.data or "", current_actor(), utcnow()
        ),
        "Your answer is sent. The clock runs again.",
    )


@blueprint.post("/expansions/proposals/<int:proposal_id>/messages")
@allowed(Role.PROVIDER)
def message(proposal_id):
    found = _own(proposal_id)
    form = MessageForm()
    return _act(
        form,
        found,
        "text",
        lambda: triage.post_message(
            get_session(), email_links(), signed_in_user(), found, form.text.data or "", current_actor(), utcnow()
        ),
        "Your message is sent.",
    )


def _act(form, found, field: str, action, done: str):
    """A form posted from the proposal's page: on a problem, shown again with it next to the field."""
    back = url_for("expansion_proposals.proposal", proposal_id=found.id)
    return posted(
        form,
        field,
        action,
        done,
        back,
        lambda: form_page(
            "expansions/form_again.html", form, proposal=found, field=field, action=request.path, back=back
        ),
    )


@blueprint.route("/expansions/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@allowed(Role.PROVIDER)
def withdraw(proposal_id):
    found = _own(proposal_id)
    form = ButtonForm()
    if not form.is_submitted() and found.status in submission.CLOSED:  # reached again: say so, ask nothing
        flash(submission.NOT_WITHDRAWABLE, "error")
        return redirect(url_for("expansion_proposals.proposal", proposal_id=found.id))
    if not form.validate_on_submit():
        return confirmation_page(
            Confirmation(
                heading=f"Withdraw “{found.title}”?",
                consequences=[
                    "The proposal will be closed: the local authorities will see it as withdrawn and no response will be due.",
                    "Its signed versions and its history are kept.",
                ]
                if found.versions
                else [
                    "The draft will be closed and what has been typed in it deleted.",
                    "No local authority has seen it: nothing was submitted or signed.",
                ],
                button="Withdraw the proposal",
                action_url=url_for("expansion_proposals.withdraw", proposal_id=found.id),
                cancel_url=url_for("expansion_proposals.proposal", proposal_id=found.id),
            )
        )
    try:
        submission.withdraw(get_session(), signed_in_user(), found, current_actor(), utcnow())
        flash("The proposal is withdrawn.", "success")
    except ExpansionError as error:
        flash(str(error), "error")
    return redirect(url_for("expansion_proposals.proposal", proposal_id=found.id))


@blueprint.post("/expansions/proposals/<int:proposal_id>/revise")
@allowed(Role.PROVIDER)
def revise(proposal_id):
    found = _own(proposal_id)
    if ButtonForm().validate_on_submit():
        try:
            submission.start_revision(get_session(), signed_in_user(), found, current_actor(), utcnow())
        except ExpansionError as error:
            flash(str(error), "error")
            return redirect(url_for("expansion_proposals.proposal", proposal_id=found.id))
    return redirect(url_for("expansion_proposals.proposal", proposal_id=found.id))


def receipt_response(envelope: bytes, name: str) -> Response:
    return Response(
        envelope,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
