"""The covenant: reading and signing it, receipts, the register of signatories, and its versions."""

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from covenant_portal.access import ANY_SIGNED_IN, allowed, public
from covenant_portal.web.forms import add_error
from covenant_portal.access import Role
from covenant_portal.web.views import Confirmation, confirmation_page, email_links, form_page, signed_in_user
from covenant_portal.covenant import service
from covenant_portal.covenant.forms import SignForm, draft_form
from covenant_portal.covenant.service.la_signing import every_authority_status
from covenant_portal.signing.records import record_kinds
from covenant_portal.signing.references import receipt_reference
from covenant_portal.signing.summaries import describe_entry
from covenant_portal.db import get_session, utcnow
from covenant_portal.filters import LONDON
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.web import current_actor, found_or_404
from covenant_portal.web.csv import csv_response
from covenant_portal.web.ids import parse_id

blueprint = Blueprint("covenant", __name__)

OVERSEERS = (Role.LA_CONTACT, Role.ESCALATION_OFFICER, Role.ADMIN)


@blueprint.app_context_processor
def inject_covenant_status():
    # A function, so only pages that show the status (the dashboards) query it.
    def organisation_covenant_status():
        if not current_user.is_authenticated or current_user.organisation is None:
            return None
        return service.status_of(get_session(), current_user.organisation)

    return {"organisation_covenant_status": organisation_covenant_status, "receipt_reference": receipt_reference}


# Reading and signing


@blueprint.get("/covenant")
@allowed(*ANY_SIGNED_IN)
def read():
    session = get_session()
    status = service.status_of(session, current_user.organisation) if current_user.organisation else None
    return render_template("covenant/read.html", version=service.current_version(session), status=status)


@blueprint.route("/covenant/sign", methods=["GET", "POST"])
@allowed(Role.PROVIDER, organisation_admin=True)
def sign():
    session = get_session()
    organisation = current_user.organisation
    version = service.current_version(session)
    if version is None:
        return redirect(url_for("covenant.read"))
    existing = service.signature_of(session, organisation.id, version)
    if existing is not None:
        flash(f"{organisation.name} has already signed version {version.number}. This is its receipt.", "success")
        return redirect(url_for("covenant.signature", signature_id=existing.id))
    if not service.has_named_contact(session, organisation.id):
        return render_template("covenant/contact_needed.html", organisation=organisation)
    form = SignForm(
        service.declaration_for(organisation, version),
        organisation.name,
        data={
            "full_name": current_user.full_name,
            "job_title": current_user.job_title,
            "version_number": version.number,
        },
    )
    if not form.validate_on_submit():
        return form_page("covenant/sign.html", form, version=version, **_changes_since_signed(organisation, version))
    return _sign(form, version)


def _changes_since_signed(organisation, version) -> dict:
    """For an organisation signing again: the version it signed last and what has changed since."""
    latest = service.status_of(get_session(), organisation).latest
    if latest is None or latest.covenant_version_id == version.id:
        return {}
    signed = latest.covenant_version
    return {"signed_version": signed, "changes": service.wording_changes(signed.document, version.document)}


def _sign(form: SignForm, version):
    shown_version = str(form.version_number.data or "")
    signing = service.Signing(
        full_name=form.full_name.data,
        job_title=form.job_title.data,
        version_number=parse_id(shown_version) or 0,
    )
    try:
        signature = service.sign_with_current_key(
            get_session(), email_links(), portal_key, signed_in_user(), signing, current_actor(), utcnow()
        )
    except service.AlreadySigned as error:
        flash(str(error), "success")
        return redirect(url_for("covenant.signature", signature_id=error.signature.id))
    except service.NoNamedContact:
        return redirect(url_for("covenant.sign"))
    except service.SigningKeyRetired as error:
        # Nobody's fault and soon over (the new key file reaches this machine): what was typed is kept.
        add_error(form, "confirm", str(error))
        return render_template("covenant/sign.html", form=form, version=version), 503, {"Retry-After": "60"}
    except service.CovenantError as error:
        add_error(form, "confirm", str(error))
        form.version_number.data = version.number
        return form_page("covenant/sign.html", form, version=version)
    return redirect(url_for("covenant.signature", signature_id=signature.id))


@blueprint.get("/covenant/signatures/<int:signature_id>")
@allowed(*ANY_SIGNED_IN)
def signature(signature_id):
    session = get_session()
    found = found_or_404(service.signature_for_viewer(session, signed_in_user(), signature_id))
    return render_template(
        "covenant/signature.html",
        signature=found,
        reference=receipt_reference(found.ledger_seq),
        summary=describe_entry(session, record_kinds(), found.ledger_seq),
    )


@blueprint.get("/covenant/signatures/<int:signature_id>/receipt")
@allowed(*ANY_SIGNED_IN)
def receipt(signature_id):
    session = get_session()
    found = found_or_404(service.signature_for_viewer(session, signed_in_user(), signature_id))
    filename = f"gm-first-receipt-{receipt_reference(found.ledger_seq)}.json"
    return Response(
        service.receipt_bytes(session, found),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@blueprint.get("/covenant/versions/<int:number>.json")
@public
def version_document(number):
    # The exact bytes every signature of the version covers: their SHA-256 is its subject digest.
    version = found_or_404(service.published_version_numbered(get_session(), number))
    response = Response(
        service.document_bytes(version),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="gm-first-covenant-v{number}.json"'},
    )
    # Auditors' own tools may fetch it (like the published keys); a published version never changes.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


# The register of signatories


@blueprint.get("/signatories")
@public
def signatories():
    session = get_session()
    grace_weeks = int(current_app.config["COVENANT_RESIGN_GRACE_WEEKS"])
    return render_template(
        "covenant/signatories.html",
        version=service.current_version(session),
        entries=service.register_entries(session, utcnow().astimezone(LONDON).date(), grace_weeks),
        authorities=every_authority_status(session),
    )


CSV_COLUMNS = ("organisation", "covenant_version", "signed_on")


@blueprint.get("/signatories.csv")
@public
def signatories_csv():
    rows = (
        [found.organisation.name, found.covenant_version.number, found.signed_at.astimezone(LONDON).date().isoformat()]
        for found in service.signatories(get_session())
    )
    return csv_response("gm-first-signatories.csv", CSV_COLUMNS, rows)


@blueprint.get("/signatories/all")
@allowed(*OVERSEERS)
def all_signatories():
    session = get_session()
    return render_template(
        "covenant/all_signatories.html",
        version=service.current_version(session),
        statuses=service.every_organisation_status(session),
    )


# Versions, for portal admins


@blueprint.get("/admin/covenant")
@allowed(Role.ADMIN)
def admin_versions():
    return render_template("covenant/admin_versions.html", versions=service.all_versions(get_session()))


@blueprint.route("/admin/covenant/new", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def admin_new():
    session = get_session()
    published = service.current_version(session)
    if published is None:
        return redirect(url_for("covenant.admin_versions"))
    form = draft_form(service.wording_of(published.document))
    if not form.validate_on_submit():
        return form_page("covenant/admin_new.html", form, published=published)
    try:
        version = service.draft_version(session, form.wording(), signed_in_user(), current_actor(), utcnow())
    except service.CovenantError as error:
        add_error(form, "title", str(error))
        return form_page("covenant/admin_new.html", form, published=published)
    flash(f"Version {version.number} is saved as a draft. Read it through, then publish it.", "success")
    return redirect(url_for("covenant.admin_version", number=version.number))


@blueprint.get("/admin/covenant/<int:number>")
@allowed(Role.ADMIN)
def admin_version(number):
    session = get_session()
    version = found_or_404(service.version_numbered(session, number))
    return render_template("covenant/admin_version.html", version=version, current=service.current_version(session))


def _confirm_publish(number):
    session = get_session()
    version = found_or_404(service.version_numbered(session, number))
    if version.published_at is not None:
        return redirect(url_for("covenant.admin_version", number=number))
    previous, changes = service.changes_since_previous(session, version)
    signatories = sum(1 for status in service.every_organisation_status(session) if status.latest is not None)
    return confirmation_page(
        Confirmation(
            heading=f"Publish version {number} of the covenant?",
            consequences=[
                f"Version {number} will be the covenant that providers sign, in place of version {previous.number}."
                if previous
                else f"Version {number} will be the covenant that providers sign.",
                (
                    f"The {signatories} {'organisation that has' if signatories == 1 else 'organisations that have'} "
                    "signed an older version will be asked, by email, to sign this one."
                ),
                "Its signed text will be published for anyone to check signatures against.",
            ],
            button=f"Publish version {number}",
            action_url=url_for("covenant.admin_publish", number=number),
            cancel_url=url_for("covenant.admin_version", number=number),
            warning="Publishing cannot be undone: a published version is never changed.",
            details={"previous": previous, "changes": changes},
        ),
        "covenant/confirm_publish.html",
    )


@blueprint.route("/admin/covenant/<int:number>/publish", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def admin_publish(number):
    if request.method == "GET":  # what will happen, to confirm first
        return _confirm_publish(number)
    session = get_session()
    version = found_or_404(service.version_numbered(session, number))
    try:
        emails = service.publish_version(session, email_links(), version, current_actor(), utcnow())
    except service.CovenantError as error:
        flash(str(error), "error")
        return redirect(url_for("covenant.admin_version", number=number))
    flash(
        f"Version {number} is published. We are emailing {emails} organisation "
        f"admin{'' if emails == 1 else 's'} to ask their organisations to sign it.",
        "success",
    )
    return redirect(url_for("covenant.admin_version", number=number))
