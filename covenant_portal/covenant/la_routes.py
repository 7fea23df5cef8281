"""The LAs' side of the covenant: an LA contact signs for their authority, and its receipt."""

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user

from covenant_portal.access import ANY_SIGNED_IN, Role, allowed
from covenant_portal.covenant import service
from covenant_portal.covenant.forms import AuthoritySignForm
from covenant_portal.signing.references import receipt_reference
from covenant_portal.covenant.service import la_signing
from covenant_portal.db import get_session, utcnow
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.signing.service import KeyRetired, with_current_key
from covenant_portal.web import current_actor, found_or_404
from covenant_portal.web.forms import add_error
from covenant_portal.web.ids import parse_id
from covenant_portal.web.views import form_page, signed_in_user

blueprint = Blueprint("la_covenant", __name__)


@blueprint.route("/la/covenant/sign", methods=["GET", "POST"])
@allowed(Role.LA_CONTACT)
def sign():
    session = get_session()
    authority = current_user.local_authority
    version = service.current_version(session)
    if version is None:
        return redirect(url_for("covenant.read"))
    existing = la_signing.authority_signature_of(session, authority.id, version)
    if existing is not None:
        flash(f"{authority.name} has already signed version {version.number}. This is its receipt.", "success")
        return redirect(url_for("la_covenant.signature", signature_id=existing.id))
    form = AuthoritySignForm(
        la_signing.authority_declaration(authority, version), authority.name, data={"version_number": version.number}
    )
    if not form.validate_on_submit():
        return form_page("covenant/la_sign.html", form, version=version, authority=authority)
    signing = service.Signing(
        form.full_name.data, form.job_title.data, parse_id(str(form.version_number.data or "")) or 0
    )
    try:
        signature = with_current_key(
            portal_key,
            lambda key: la_signing.sign_for_authority(
                session, key, signed_in_user(), signing, current_actor(), utcnow()
            ),
        )
    except la_signing.AuthorityAlreadySigned as error:
        flash(str(error), "success")
        if error.signature is None:
            return redirect(url_for("la_covenant.sign"))
        return redirect(url_for("la_covenant.signature", signature_id=error.signature.id))
    except (service.CovenantError, KeyRetired) as error:
        session.rollback()
        add_error(
            form, "confirm", str(error) if isinstance(error, service.CovenantError) else "Try again in a few minutes."
        )
        form.version_number.data = version.number
        return form_page("covenant/la_sign.html", form, version=version, authority=authority)
    return redirect(url_for("la_covenant.signature", signature_id=signature.id))


def _signature(signature_id: int):
    return found_or_404(la_signing.authority_signature_for_viewer(get_session(), signature_id))


@blueprint.get("/la/covenant/signatures/<int:signature_id>")
@allowed(*ANY_SIGNED_IN)
def signature(signature_id):
    found = _signature(signature_id)
    return render_template("covenant/la_signature.html", signature=found, reference=receipt_reference(found.ledger_seq))


@blueprint.get("/la/covenant/signatures/<int:signature_id>/receipt")
@allowed(*ANY_SIGNED_IN)
def receipt(signature_id):
    found = _signature(signature_id)
    filename = f"gm-first-receipt-{receipt_reference(found.ledger_seq)}.json"
    return Response(
        la_signing.authority_receipt_bytes(get_session(), found),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
