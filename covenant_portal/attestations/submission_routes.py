"""Signing a return, its signed versions and receipts, and starting a correction (on the "returns"
blueprint, whose other pages — the draft's sections — are in routes.py)."""
from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from covenant_portal.access import ANY_SIGNED_IN, allowed, rule_for
from covenant_portal.accounts.forms import add_error
from covenant_portal.accounts.models import Role
from covenant_portal.accounts.routes import form_page, signed_in_user
from covenant_portal.attestations import submission as service
from covenant_portal.attestations.compliance import return_for_viewer
from covenant_portal.attestations.document import differences, document_for, status_label
from covenant_portal.attestations.evidence import signed_files_by_key
from covenant_portal.attestations.models import AttestationReturn
from covenant_portal.attestations.records import subject_name_for
from covenant_portal.attestations.blueprint import blueprint
from covenant_portal.attestations.sign_forms import ActionForm, SignReturnForm
from covenant_portal.covenant.records import receipt_reference
from covenant_portal.db import get_session, utcnow
from covenant_portal.signing.canonical import canonical_json
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.web import current_actor, found_or_404


INCOMPLETE = "Finish every section of the return before you sign it"


def own_return(return_id: int) -> AttestationReturn:
    """The return if it is the signed-in provider's organisation's; 404 otherwise."""
    found = get_session().get(AttestationReturn, return_id)
    if found is None or found.organisation_id != current_user.organisation_id:
        return found_or_404(None)
    return found


def link(endpoint: str, **values) -> str | None:
    """A link to another helper's page, if it exists and the user may open it."""
    if endpoint not in current_app.view_functions or not rule_for(current_app, endpoint).permits(current_user):
        return None
    return url_for(endpoint, **values)


def section_url(attestation_return: AttestationReturn, unfinished: service.Unfinished) -> str | None:
    if unfinished.section == "pledge":
        return link("returns.pledge", return_id=attestation_return.id, number=unfinished.pledge_number)
    return link(f"returns.{unfinished.section}", return_id=attestation_return.id)


def _task_list_url(attestation_return: AttestationReturn) -> str:
    return link("returns.task_list", return_id=attestation_return.id) or url_for(
        "returns.sign", return_id=attestation_return.id
    )


# Signing


@blueprint.route("/returns/<int:return_id>/sign", methods=["GET", "POST"])
@allowed(Role.PROVIDER)
def sign(return_id):
    session = get_session()
    attestation_return = own_return(return_id)
    if attestation_return.draft is None:
        latest = attestation_return.latest_submission
        if latest is not None:
            return redirect(url_for("returns.submission", return_id=return_id, version=latest.version))
        return redirect(link("returns.returns") or url_for("pages.home"))
    declaration = service.declaration_for(attestation_return)
    form = SignReturnForm(
        declaration,
        data={
            "full_name": current_user.full_name,
            "job_title": current_user.job_title,
            "draft_lock": attestation_return.draft_lock,
        },
    )
    document = document_for(session, attestation_return, attestation_return.draft)
    unfinished = service.unfinished_sections(attestation_return, attestation_return.draft, document)
    context = {
        "attestation_return": attestation_return,
        "document": document,
        "unfinished": unfinished,
        "section_url": section_url,
        "check_url": link("returns.check", return_id=return_id),
        "task_list_url": _task_list_url(attestation_return),
    }
    if unfinished:
        if form.is_submitted():
            add_error(form, "confirm", INCOMPLETE)
        return form_page("attestations/sign.html", form, **context)
    if not form.validate_on_submit():
        return form_page("attestations/sign.html", form, **context)
    signing = service.ReturnSigning(form.full_name.data, form.job_title.data, form.lock())
    try:
        submitted = service.sign_with_current_key(
            session, portal_key, signed_in_user(), attestation_return, signing, current_actor(), utcnow()
        )
    except service.AlreadySubmitted as error:
        flash(str(error), "success")
        return redirect(url_for("returns.submission", return_id=return_id, version=error.submission.version))
    except service.SigningKeyRetired as error:
        add_error(form, "confirm", str(error))
        return render_template("attestations/sign.html", form=form, **context), 503, {"Retry-After": "60"}
    except service.Incomplete as error:
        context["unfinished"] = error.unfinished
        add_error(form, "confirm", INCOMPLETE)
        return form_page("attestations/sign.html", form, **context)
    except service.SubmissionError as error:
        session.refresh(attestation_return)
        add_error(form, "confirm", str(error))
        form.draft_lock.data = attestation_return.draft_lock
        return form_page("attestations/sign.html", form, **context)
    return redirect(url_for("returns.submission", return_id=return_id, version=submitted.version, signed=1))


# Signed versions


def _viewable_submission(return_id: int, version: int):
    session = get_session()
    attestation_return = found_or_404(return_for_viewer(session, signed_in_user(), return_id))
    return attestation_return, found_or_404(service.submission_numbered(attestation_return, version))


@blueprint.get("/returns/<int:return_id>/submissions/<int:version>")
@allowed(*ANY_SIGNED_IN)
def submission(return_id, version):
    session = get_session()
    attestation_return, found = _viewable_submission(return_id, version)
    own = current_user.role == Role.PROVIDER and current_user.organisation_id == attestation_return.organisation_id
    latest = attestation_return.latest_submission
    return render_template(
        "attestations/submission.html",
        attestation_return=attestation_return,
        submission=found,
        document=found.document,
        reference=receipt_reference(found.ledger_seq),
        subject_name=subject_name_for(found.id),
        changes=differences(found.supersedes.document, found.document) if found.supersedes else [],
        signed_files=signed_files_by_key(session, attestation_return),
        status_label=status_label,
        own=own,
        is_latest=latest is not None and latest.id == found.id,
        correction_open=attestation_return.draft is not None,
        action_form=ActionForm(),
        task_list_url=_task_list_url(attestation_return),
        la_detail_url=link("compliance.detail", return_id=return_id),
        returns_url=link("returns.returns") if own else None,
    )


@blueprint.get("/returns/<int:return_id>/submissions/<int:version>/receipt")
@allowed(*ANY_SIGNED_IN)
def receipt(return_id, version):
    _attestation_return, found = _viewable_submission(return_id, version)
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
    _attestation_return, found = _viewable_submission(return_id, version)
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
    attestation_return = own_return(return_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("returns.submission", return_id=return_id, version=_latest_version(attestation_return)))
    try:
        service.start_correction(get_session(), attestation_return, signed_in_user(), current_actor(), utcnow())
    except service.SubmissionError as error:
        flash(str(error), "error")
        return redirect(link("returns.returns") or url_for("pages.home"))
    flash(
        "You are correcting the return. Change what needs changing, then sign it again: the new version "
        "will replace the one signed before, which is kept.",
        "success",
    )
    return redirect(_task_list_url(attestation_return))


def _latest_version(attestation_return: AttestationReturn) -> int:
    latest = found_or_404(attestation_return.latest_submission)
    return latest.version
