"""Admins register the witnesses whose cosignatures of the ledger's checkpoints the portal keeps."""

from flask import flash, redirect, render_template, url_for

from covenant_portal.access import Role, allowed
from covenant_portal.db import get_session, utcnow
from covenant_portal.signing import checkpoints
from covenant_portal.signing.forms import RemoveWitnessForm, WitnessKeyForm
from covenant_portal.signing.models import WitnessKey
from covenant_portal.signing.routes import blueprint
from covenant_portal.web import current_actor, found_or_404


def _page(form: WitnessKeyForm, status: int = 200):
    session = get_session()
    return render_template(
        "signing/witnesses.html",
        form=form,
        remove_form=RemoveWitnessForm(),
        witnesses=checkpoints.active_witnesses(session),
        latest=checkpoints.latest_cosignatures(session),
        checkpoint=checkpoints.latest(session),
    ), status


@blueprint.route("/admin/witnesses", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def witnesses():
    form = WitnessKeyForm()
    if not form.validate_on_submit():
        return _page(form, 400 if form.errors else 200)
    try:
        witness = checkpoints.register_witness(
            get_session(), current_actor(), form.verifier_key.data, form.description.data, utcnow()
        )
    except checkpoints.WitnessKeyProblem as problem:
        form.verifier_key.errors.append(str(problem))
        return _page(form, 400)
    flash(f"Registered the witness {witness.name}. The portal now keeps its cosignatures.", "success")
    return redirect(url_for("signing.witnesses"))


@blueprint.post("/admin/witnesses/<int:witness_id>/remove")
@allowed(Role.ADMIN)
def remove_witness(witness_id):
    session = get_session()
    witness = found_or_404(session.get(WitnessKey, witness_id))
    if RemoveWitnessForm().validate_on_submit():
        checkpoints.remove_witness(session, current_actor(), witness, utcnow())
        flash(
            f"Removed the witness {witness.name}. Its cosignatures are kept but no longer served with the "
            "checkpoints. To undo this, register its key again.",
            "success",
        )
    return redirect(url_for("signing.witnesses"))
