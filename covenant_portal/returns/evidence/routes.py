"""Evidence files of a return's pledges: listing and uploading (the provider), removing from the draft,
and downloading (anyone who may see the return; LA contacts and overseers only signed files)."""

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from covenant_portal.access import ANY_SIGNED_IN, allowed
from covenant_portal.web.forms import add_error
from covenant_portal.access import Role
from covenant_portal.web.views import signed_in_user
from covenant_portal.returns.evidence import service
from covenant_portal.returns.evidence.office import OfficeLimits
from covenant_portal.returns.viewers import return_for_viewer
from covenant_portal.returns.blueprint import blueprint
from covenant_portal.returns.evidence.forms import EvidenceForm
from covenant_portal.returns.submission.forms import ActionForm
from covenant_portal.returns.submission.routes import own_return
from covenant_portal.web.views import link
from covenant_portal.db import get_session, utcnow
from covenant_portal.security import csrf
from covenant_portal.web import current_actor, found_or_404


def _upload_fits() -> bool:
    """Checks an upload's CSRF token with the larger limit uploads have (a file of up to 10 MB: more
    than the portal accepts in any other request); False if the request is larger still."""
    request.max_content_length = service.MAX_UPLOAD_REQUEST_BYTES
    try:
        request.files  # noqa: B018 - reads the body, within the upload's limit
    except RequestEntityTooLarge:
        return False
    if current_app.config["WTF_CSRF_ENABLED"]:  # as CSRFProtect's own check does
        csrf.protect()
    return True


def _pledge(number: int) -> dict:
    from covenant_portal.covenant.service import current_version

    version = current_version(get_session())
    pledges = version.document["pledges"] if version else []
    return found_or_404(next((p for p in pledges if int(p["number"]) == number), None))


def _directory():
    """Where evidence files are kept, from the app's settings (the services are given it)."""
    return service.evidence_dir(current_app.config, current_app.instance_path)


@blueprint.route("/returns/<int:return_id>/pledges/<int:number>/evidence", methods=["GET", "POST"])
@allowed(Role.PROVIDER)
@csrf.exempt  # checked below, once the larger limit for an upload is set
def evidence(return_id, number):
    # The token is checked before anything is looked up, as for every other form.
    too_large = request.method == "POST" and not _upload_fits()
    session = get_session()
    quarterly_return = own_return(return_id)
    pledge = _pledge(number)
    if quarterly_return.draft is None:
        return _signed_already(quarterly_return, service.SIGNED)
    if too_large:
        form = EvidenceForm(formdata=None)
        add_error(form, "evidence_file", service.TOO_LARGE)
        return _page(quarterly_return, pledge, form, 413)
    form = EvidenceForm()
    if not form.validate_on_submit():
        return _page(quarterly_return, pledge, form, 400 if form.errors else 200)
    upload = form.uploaded_file()
    if upload is None:
        add_error(form, "evidence_file", service.NO_FILE)
        return _page(quarterly_return, pledge, form, 400)
    try:
        added = service.add_evidence(
            session,
            _directory(),
            quarterly_return,
            number,
            upload.filename,
            upload.stream.read(service.MAX_EVIDENCE_BYTES + 1),
            signed_in_user(),
            current_actor(),
            utcnow(),
            OfficeLimits.from_config(current_app.config),
        )
    except service.EvidenceError as error:
        add_error(form, "evidence_file", str(error))
        return _page(quarterly_return, pledge, form, 400)
    flash(f"{added.filename} is attached to pledge {number}.", "success")
    return redirect(url_for("returns.evidence", return_id=return_id, number=number))


def _page(quarterly_return, pledge: dict, form: EvidenceForm, status: int):
    number = int(pledge["number"])
    return render_template(
        "returns/evidence.html",
        quarterly_return=quarterly_return,
        pledge=pledge,
        form=form,
        action_form=ActionForm(formdata=None),
        files=service.files_for_pledge(get_session(), quarterly_return.id, number),
        file_types=service.FILE_TYPES,
        pledge_url=link("returns.pledge", return_id=quarterly_return.id, number=number),
    ), status


@blueprint.get("/returns/<int:return_id>/evidence/<int:file_id>")
@allowed(*ANY_SIGNED_IN)
def evidence_download(return_id, file_id):
    session = get_session()
    viewer = signed_in_user()
    quarterly_return = found_or_404(return_for_viewer(session, viewer, return_id))
    found = found_or_404(service.evidence_for_viewer(session, viewer, quarterly_return, file_id))
    path = service.stored_path(_directory(), found)
    if not path.is_file():
        current_app.logger.error("evidence_file %s is missing from the evidence folder", found.id)
        return found_or_404(None)
    response = send_file(
        path,
        mimetype=found.media_type,
        as_attachment=True,
        download_name=found.filename,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@blueprint.post("/returns/<int:return_id>/evidence/<int:file_id>/remove")
@allowed(Role.PROVIDER)
def evidence_remove(return_id, file_id):
    session = get_session()
    quarterly_return = own_return(return_id)
    found = found_or_404(service.evidence_for_viewer(session, signed_in_user(), quarterly_return, file_id))
    if found.removed_at is not None or not ActionForm().validate_on_submit():
        return redirect(url_for("returns.evidence", return_id=return_id, number=found.pledge_number))
    try:
        service.remove_evidence(session, _directory(), found, current_actor(), utcnow())
    except service.EvidenceError as error:
        return _signed_already(quarterly_return, str(error))
    flash(f"{found.filename} is removed from pledge {found.pledge_number}.", "success")
    return redirect(url_for("returns.evidence", return_id=return_id, number=found.pledge_number))


def _signed_already(quarterly_return, message: str):
    """A page opened before the return was signed: said once, not as a success, on the signed version."""
    flash(message, "info")
    latest = found_or_404(quarterly_return.latest_submission)
    return redirect(url_for("returns.submission", return_id=quarterly_return.id, version=latest.version))
