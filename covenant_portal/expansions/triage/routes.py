"""The LAs' side of proposals: the host LA's queue, a proposal's page (every GM LA's contacts read and
comment; the host LA's take it, ask for information and respond), and the records anyone allowed to
see the proposal can open: the response letter and the receipts."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from covenant_portal.access import ANY_SIGNED_IN, Role, allowed
from covenant_portal.signing.references import receipt_reference
from covenant_portal.db import get_session, utcnow
from covenant_portal.expansions.common import ExpansionError, Invalid, timeline
from covenant_portal.filters import london_day
from covenant_portal.expansions.forms import ButtonForm, MessageForm, OutcomeForm, QuestionForm
from covenant_portal.expansions.models import ProposalOutcome
from covenant_portal.expansions.proposals import submission, wording
from covenant_portal.expansions.proposals.drafts import proposal_of
from covenant_portal.expansions.proposals.routes import _version_page, receipt_response
from covenant_portal.expansions.triage import service
from covenant_portal.expansions.views import posted, show_problems
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.web import current_actor, found_or_404, stale
from covenant_portal.web.forms import add_error
from covenant_portal.web.views import email_links, form_page, signed_in_user

blueprint = Blueprint("expansion_triage", __name__)
OVERSEERS = (Role.ADMIN, Role.ESCALATION_OFFICER)
LA_SIDE = (Role.LA_CONTACT, *OVERSEERS)


def _for_la(proposal_id: int):
    return found_or_404(service.proposal_for_la(get_session(), signed_in_user(), proposal_id))


def _visible(proposal_id: int):
    """The proposal for its provider, or (once submitted) for the LA side."""
    if current_user.role == Role.PROVIDER:
        return found_or_404(proposal_of(get_session(), current_user.organisation_id, proposal_id))
    return _for_la(proposal_id)


@blueprint.get("/la/expansions")
@allowed(Role.LA_CONTACT)
def queue():
    session = get_session()
    today = london_day(utcnow())
    authority_id = current_user.local_authority_id
    return render_template(
        "expansions/queue.html",
        queued=service.queue(session, authority_id, today),
        proposals=service.responded(session, authority_id),
    )


# The list those who oversee reach a proposal from (`?from=oversight`), the filters it had and its page.
FROM_OVERSIGHT = "oversight"
OVERSIGHT_FILTERS = ("local_authority", "status", "page")


def _kept() -> dict[str, str]:
    """The way back to the list of proposals those who oversee came from (`from=oversight`, its
    filters and page), for a proposal's page and the pages it links to (its versions, its letters)
    to carry along: only these names, each link built by `url_for`, so it leads nowhere else."""
    if current_user.role not in OVERSEERS or request.args.get("from") != FROM_OVERSIGHT:
        return {}
    kept = {name: request.args[name] for name in OVERSIGHT_FILTERS if request.args.get(name)}
    if "page" in kept and not (kept["page"].isdecimal() and int(kept["page"]) >= 1):
        del kept["page"]  # hand-made: the list's first page rather than a page not found
    return {"from": FROM_OVERSIGHT, **kept}


def _way_back(proposal) -> tuple[str, str]:
    """Where a proposal's page goes back to: the host LA's contact's queue; for those who oversee,
    the list of proposals they came from (its filters kept, which it checks itself); else (another
    GM LA's contact, who came from the "for information" email: no list of theirs holds it) the
    dashboard."""
    if current_user.role == Role.LA_CONTACT and proposal.host_local_authority_id == current_user.local_authority_id:
        return url_for("expansion_triage.queue"), "Back to proposals"
    if current_user.role == Role.LA_CONTACT:
        return url_for("pages.dashboard"), "Back to your dashboard"
    kept = _kept()
    if kept:
        del kept["from"]
        return url_for("expansion_oversight.proposals", **kept), "Back to expansion proposals"
    return url_for("pages.dashboard"), "Back to your dashboard"


@blueprint.get("/la/expansions/<int:proposal_id>")
@allowed(*LA_SIDE)
def proposal(proposal_id, forms=None):
    session = get_session()
    found = _for_la(proposal_id)
    version = found.latest_version
    forms = forms or {}
    return render_template(
        "expansions/la_proposal.html",
        back=_way_back(found),
        kept=_kept(),
        proposal=found,
        version=version,
        shown=wording.version_in_words(version.document),
        changes=wording.changes_since_previous(version),
        clock=service.clock_of(session, version, london_day(utcnow())),
        responded=service.first_response(session, version.id),
        events=timeline(session, found.id),
        outcomes=service.outcomes_of(session, found.id),
        info_request=service.open_request(session, found),
        host=service.is_host_contact(current_user, found),
        host_contacts=service.contacts_to_ask(session, current_user, found),
        is_open=found.status in submission.OPEN,
        question_form=forms.get("question") or QuestionForm(),
        message_form=forms.get("message") or MessageForm(),
        button=ButtonForm(),
        form=forms.get("question") or forms.get("message"),
    ), (400 if forms else 200)


def _back(found):
    return redirect(url_for("expansion_triage.proposal", proposal_id=found.id))


@blueprint.post("/la/expansions/<int:proposal_id>/take")
@allowed(Role.LA_CONTACT)
def take(proposal_id):
    found = _for_la(proposal_id)
    if ButtonForm().validate_on_submit():
        try:
            service.take(get_session(), signed_in_user(), found, current_actor(), utcnow())
            flash("You have taken this proposal. Other contacts can see that you have it.", "success")
        except ExpansionError as error:
            flash(str(error), "error")
    return _back(found)


def _posted(found, key: str, form, field: str, action, done: str):
    back = url_for("expansion_triage.proposal", proposal_id=found.id)
    return posted(form, field, action, done, back, lambda: proposal(found.id, forms={key: form}))


@blueprint.post("/la/expansions/<int:proposal_id>/information")
@allowed(Role.LA_CONTACT)
def ask(proposal_id):
    found = _for_la(proposal_id)
    form = QuestionForm()
    return _posted(
        found,
        "question",
        form,
        "question",
        lambda: service.request_information(
            get_session(), email_links(), signed_in_user(), found, form.question.data or "", current_actor(), utcnow()
        ),
        "Your question is sent to the provider. The clock is paused until they answer.",
    )


@blueprint.post("/la/expansions/<int:proposal_id>/messages")
@allowed(Role.LA_CONTACT)
def message(proposal_id):
    found = _for_la(proposal_id)
    form = MessageForm()
    return _posted(
        found,
        "message",
        form,
        "text",
        lambda: service.post_message(
            get_session(), email_links(), signed_in_user(), found, form.text.data or "", current_actor(), utcnow()
        ),
        "Sent. The provider is told by email.",
    )


@blueprint.route("/la/expansions/<int:proposal_id>/outcome", methods=["GET", "POST"])
@allowed(Role.LA_CONTACT)
def outcome(proposal_id):
    session = get_session()
    found = _for_la(proposal_id)
    found_or_404(found if service.is_host_contact(current_user, found) else None)
    form = OutcomeForm()
    if not form.is_submitted():
        if found.status not in submission.OPEN:  # decided or withdrawn: no form to fill in for nothing
            flash(service.NO_LONGER_OPEN, "error")
            return _back(found)
        form.seen.data = service.responses_version(session, found.id)
    stale.back_to(url_for("expansion_triage.proposal", proposal_id=found.id))
    typed = service.OutcomeInput(form.outcome.data or "", form.details.data or "", form.meeting_on.data)
    if not form.validate_on_submit():
        if form.is_submitted():
            show_problems(form, service.outcome_problems(typed, utcnow()))
    else:
        try:
            row = service.record_outcome(
                session,
                email_links(),
                portal_key,
                signed_in_user(),
                found,
                typed,
                current_actor(),
                utcnow(),
                seen=stale.seen_in(form),
            )
        except Invalid as invalid:
            for name, problem in invalid.errors.items():
                add_error(form, name, problem)
        except ExpansionError as error:
            flash(str(error), "error")
            return _back(found)
        else:
            flash(f"Your response ({row.outcome.label}) is signed and sent to the provider.", "success")
            return redirect(url_for("expansion_triage.letter", proposal_id=found.id, outcome_id=row.id))
    return form_page("expansions/outcome.html", form, proposal=found, version=found.latest_version)


@blueprint.get("/la/expansions/<int:proposal_id>/versions/<int:version>")
@allowed(*LA_SIDE)
def version(proposal_id, version):
    return _version_page(_for_la(proposal_id), version, back="expansion_triage.proposal", kept=_kept())


def _outcome(found, outcome_id: int) -> ProposalOutcome:
    row = get_session().get(ProposalOutcome, outcome_id)
    return found_or_404(row if row is not None and row.proposal_id == found.id else None)


@blueprint.get("/expansions/<int:proposal_id>/outcomes/<int:outcome_id>/letter")
@allowed(*ANY_SIGNED_IN)
def letter(proposal_id, outcome_id):
    found = _visible(proposal_id)
    row = _outcome(found, outcome_id)
    return render_template(
        "expansions/letter.html",
        proposal=found,
        outcome=row,
        version=row.version,
        reference=receipt_reference(row.ledger_seq),
        kept=_kept(),
    )


@blueprint.get("/expansions/<int:proposal_id>/outcomes/<int:outcome_id>/receipt")
@allowed(*ANY_SIGNED_IN)
def outcome_receipt(proposal_id, outcome_id):
    row = _outcome(_visible(proposal_id), outcome_id)
    return receipt_response(submission.receipt_bytes(get_session(), row.ledger_seq), f"expansion-outcome-{row.id}.json")


@blueprint.get("/expansions/<int:proposal_id>/versions/<int:version>/receipt")
@allowed(*ANY_SIGNED_IN)
def proposal_receipt(proposal_id, version):
    found = _visible(proposal_id)
    chosen = found_or_404(next((v for v in found.versions if v.version == version), None))
    return receipt_response(
        submission.receipt_bytes(get_session(), chosen.ledger_seq),
        f"expansion-proposal-{found.id}-v{chosen.version}.json",
    )
