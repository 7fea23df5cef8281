"""The public signing surface: the published keys, the signed ledger head, and the receipt checker."""

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from covenant_portal.access import public
from covenant_portal.web.views import form_page
from covenant_portal.db import get_session, utcnow
from covenant_portal.signing import service
from covenant_portal.signing.forms import VerifyForm
from covenant_portal.signing.portal_key import portal_key
from covenant_portal.signing.receipts import ReceiptProblem, UnknownReference, check_receipt, check_reference
from covenant_portal.signing.records import record_kinds
from covenant_portal.signing.summaries import describe, describe_head

blueprint = Blueprint("signing", __name__)

TOO_LARGE = "The receipt is larger than 1 MB, so it cannot be a portal receipt. Check you chose the right file."


def _public_json(response: Response, cache_control: str) -> Response:
    # Auditors' own tools (including scripts in a browser on another site) may fetch these.
    response.headers["Cache-Control"] = cache_control
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _text(body: str, cache_control: str, status: int = 200) -> Response:
    """A plain-text answer for scripts (checkpoints, tiles' and witnesses' errors)."""
    return _public_json(Response(body, status=status, content_type="text/plain; charset=utf-8"), cache_control)


@blueprint.get("/.well-known/gm-first-keys.json")
@public
def keys():
    session, key = get_session(), portal_key()  # the key was published at start-up (db.run_start_up_steps)
    # Short-lived: after `keys rotate` the retired key's valid_until must show soon.
    return _public_json(jsonify(service.keys_document(session, key.origin)), "public, max-age=300")


@blueprint.get("/ledger/head")
@public
def ledger_head():
    try:
        envelope = service.ledger_head_envelope(get_session(), portal_key(), utcnow())
    except service.KeyNotPublished as problem:
        return _public_json(jsonify(error=str(problem)), "no-cache"), 503
    return _public_json(Response(envelope, mimetype="application/json"), "no-cache")


@blueprint.route("/verify", methods=["GET", "POST"])
@public
def verify():
    form = VerifyForm()
    if not form.validate_on_submit():
        return form_page("signing/verify.html", form)
    session = get_session()
    ensure_checkpoint(session)  # so that a proof can be shown for every entry
    try:
        if form.reference_text():
            receipt = check_reference(session, form.reference_text())
        else:
            receipt = check_receipt(session, form.receipt_bytes())
    except (ReceiptProblem, UnknownReference) as problem:
        form.receipt_field().errors.append(str(problem))
        return render_template("signing/verify.html", form=form), 400
    summary = describe_head(receipt.statement) if receipt.head else describe(record_kinds(), receipt.statement)
    return render_template("signing/verify_result.html", receipt=receipt, summary=summary)


def ensure_checkpoint(session):
    """The latest checkpoint, signed now if entries are not yet covered (see service.ensure_checkpoint)."""
    return service.with_current_key(
        portal_key, lambda key: service.ensure_checkpoint(session, key, key.origin, utcnow())
    )


@blueprint.errorhandler(413)
def receipt_too_large(_error):
    # Raised while the request body is read, before any view: so nothing sent can be shown again,
    # and the form must not read the request either.
    if request.endpoint != "signing.verify":  # a witness's script posting cosignatures: plain text
        limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return _text(f"The request body is larger than {limit} MB, so it is not read.\n", "no-store", 413)
    form = VerifyForm(formdata=None)
    form.receipt_file.errors = [TOO_LARGE]
    return render_template("signing/verify.html", form=form), 413
