"""Signing a return, its signed versions and receipts, and starting a correction (on the "returns"
blueprint, whose other pages — the draft's sections — are in routes.py)."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from covenant_portal.access import ANY_SIGNED_IN, allowed
from covenant_portal.web.forms import add_error
from covenant_portal.access import Role
from covenant_portal.web.views import email_links, signed_in_user
from covenant_portal.returns.submission import service
from covenant_portal.returns.viewers import return_for_viewer
from covenant_portal.returns.submission.document import differences, document_for, status_label
from covenant_portal.returns.evidence.service import signed_files_by_key
from covenant_portal.returns.models import QuarterlyReturn
from covenant_portal.returns.status import late_label, return_days_late
from covenant_portal.returns.submission.records import subject_name_for
from covenant_portal.returns.blueprint import blueprint
from covenant_portal.returns.submission.check_answers import check_answers_page, sign_form
from covenant_portal.returns.drafts.routes import signed_meanwhile
from covenant_portal.returns.submission.forms import ActionForm
from covenant_portal.signing.records import record_kinds
from covenant_portal.signing.references import receipt_reference
from covenant_portal.signing.summaries import describe_entry
from covenant_portal.db import get_session, utcnow
from covenant_portal.signing.canonical import canonical_json
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.web import current_actor, found_or_404
from covenant_portal.web.views import link


INCOMPLETE = "Finish every section of the return before you sign it"


def own_return(return_id: int) -> QuarterlyReturn:
    """The return if it is the signed-in provider's organisation's; 404 otherwise."""
    found = get_session().get(QuarterlyReturn, return_id)
    if found is None or found.organisation_id != current_user.organisation_id:
        return found_or_404(None)
    return found


def _task_list_url(quarterly_return: QuarterlyReturn) -> str:
    return link("returns.task_list", return_id=quarterly_return.id) or url_for(
        "returns.sign", return_id=quarterly_return.id
    )


# Signing: the form is on check answers (check_answers.py); its URL, /sign, stays as published.


@blueprint.route("/returns/<int:return_id>/sign", methods=["GET", "POST"])
@allowed(Role.PROVIDER)
def sign(return_id):
    session = get_session()
    quarterly_return = own_return(return_id)
    if quarterly_return.draft is None:
        latest = quarterly_return.latest_submission
        if latest is not None:
            if request.method == "POST":
                flash(signed_meanwhile(latest), "info")
            return redirect(url_for("returns.submission", return_id=return_id, version=latest.version))
        return redirect(link("returns.returns") or url_for("pages.home"))
    if request.method == "GET":  # the declaration is on check answers now
        return redirect(url_for("returns.check", return_id=return_id, _anchor="send"))
    form = sign_form(quarterly_return)
    document = document_for(session, quarterly_return, quarterly_return.draft)
    if service.unfinished_sections(quarterly_return, quarterly_return.draft, document):
        add_error(form, "confirm", INCOMPLETE)
        return check_answers_page(quarterly_return, form)
    if not form.validate_on_submit():
        return check_answers_page(quarterly_return, form)
    signing = service.ReturnSigning(form.full_name.data, form.job_title.data, form.lock())
    try:
        submitted = service.sign_with_current_key(
            session, email_links(), portal_key, signed_in_user(), quarterly_return, signing, current_actor(), utcnow()
        )
    except service.AlreadySubmitted as error:
        flash(str(error), "success")
        return redirect(url_for("returns.submission", return_id=return_id, version=error.submission.version))
    except service.SigningKeyRetired as error:
        add_error(form, "confirm", str(error))
        page, _status = check_answers_page(quarterly_return, form)
        return page, 503, {"Retry-After": "60"}
    except service.Incomplete as error:
        add_error(form, "confirm", INCOMPLETE)
        return check_answers_page(quarterly_return, form, blockers=error.unfinished)
    except service.SubmissionError as error:
        session.refresh(quarterly_return)
        add_error(form, "confirm", str(error))
        form.draft_lock.data = quarterly_return.draft_lock
        return check_answers_page(quarterly_return, form)
    return redirect(url_for("returns.submission", return_id=return_id, version=submitted.version, signed=1))


# Signed versions


def _viewable_submission(return_id: int, version: int):
    session = get_session()
    quarterly_return = found_or_404(return_for_viewer(session, signed_in_user(), return_id))
    return quarterly_return, found_or_404(service.submission_numbered(quarterly_return, version))


@blueprint.get("/returns/<int:return_id>/submissions/<int:version>")
@allowed(*ANY_SIGNED_IN)
def submission(return_id, version):
    session = get_session()
    quarterly_return, found = _viewable_submission(return_id, version)
    own = current_user.role == Role.PROVIDER and current_user.organisation_id == quarterly_return.organisation_id
    latest = quarterly_return.latest_submission
    return render_template(
        "returns/submission.html",
        quarterly_return=quarterly_return,
        submission=found,
        document=found.document,
        reference=receipt_reference(found.ledger_seq),
        summary=describe_entry(session, record_kinds(), found.ledger_seq),
        subject_name=subject_name_for(found.id),
        changes=differences(found.supersedes.document, found.document) if found.supersedes else [],
        signed_files=signed_files_by_key(session, quarterly_return),
        status_label=status_label,
        late=return_days_late(quarterly_return),
        late_label=late_label,
        covenant_version=service.covenant_version_made_under(session, found),
        own=own,
        is_latest=latest is not None and latest.id == found.id,
        correction_open=quarterly_return.draft is not None,
        action_form=ActionForm(),
        task_list_url=_task_list_url(quarterly_return),
        la_detail_url=link("compliance.detail", return_id=return_id),
        returns_url=link("returns.returns") if own else None,
    )


@blueprint.get("/returns/<int:return_id>/submissions/<int:version>/receipt")
@allowed(*ANY_SIGNED_IN)
def receipt(return_id, version):
    _quarterly_return, found = _viewable_submission(return_id, version)
    filename = f"gm-first-receipt-{receipt_reference(found.ledger_seq)}.json"
    return Response(
        service.receipt_bytes(get_session(), found),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff"},
    )


@blueprint.get("/returns/<int:return_id>/submissions/<int:version>/document.json")
@allowed(*ANY_SIGNED_IN)
def submission_document(return_id, version):
    # The exact bytes the receipt's subject digest is the SHA-256 of.
    _quarterly_return, found = _viewable_submission(return_id, version)
    filename = f"gm-first-return-{return_id}-v{version}.json"
    return Response(
        canonical_json(found.document),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff"},
    )


# Corrections


@blueprint.post("/returns/<int:return_id>/correct")
@allowed(Role.PROVIDER)
def correct(return_id):
    quarterly_return = own_return(return_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("returns.submission", return_id=return_id, version=_latest_version(quarterly_return)))
    try:
        service.start_correction(get_session(), quarterly_return, signed_in_user(), current_actor(), utcnow())
    except service.SubmissionError as error:
        flash(str(error), "error")
        return redirect(link("returns.returns") or url_for("pages.home"))
    flash(
        "You are correcting the return. Change what needs changing, then sign it again: the new version "
        "will replace the one signed before, which is kept.",
        "info",  # nothing is done yet: an "Important" banner, not a "Success" one
    )
    return redirect(_task_list_url(quarterly_return))


def _latest_version(quarterly_return: QuarterlyReturn) -> int:
    latest = found_or_404(quarterly_return.latest_submission)
    return latest.version
