"""The ledger as a transparency log, for people and scripts: the signed checkpoint (with witnesses'
cosignatures), tiles of the Merkle tree (c2sp.org/tlog-tiles), inclusion and consistency proofs as
JSON, and the endpoint registered witnesses post their cosignatures to. All public."""

from flask import Response, current_app, jsonify, request

from covenant_portal.access import public
from covenant_portal.db import get_session, utcnow
from covenant_portal.security import csrf
from covenant_portal.signing import checkpoints, proofs, tree
from covenant_portal.signing.models import LedgerCheckpoint
from covenant_portal.signing.routes import _public_json, _text, blueprint
from covenant_portal.web import current_actor

IMMUTABLE = "public, max-age=31536000, immutable"
BUNDLES = "entries/"


@blueprint.get("/checkpoint")
@public
def checkpoint():
    session = get_session()
    latest = checkpoints.latest(session)  # signed at start-up, then with each entry (GETs only read)
    if latest is None:
        return _text("No checkpoint has been signed yet: the portal signs one when it starts.\n", "no-store", 503)
    # Mutable: c2sp.org/tlog-tiles asks that it is not cached beyond a few seconds.
    return _text(checkpoints.cosigned_note(session, latest), "no-cache")


@blueprint.get("/ledger/checkpoints/<size>")
@public
def earlier_checkpoint(size):
    number = _canonical_number(size)
    found = get_session().get(LedgerCheckpoint, number) if number is not None else None
    if found is None:
        return _text(f"The portal signed no checkpoint of size {size[:20]}.\n", "no-store", 404)
    # The portal's signature never changes, but witnesses may still add cosignatures.
    return _text(checkpoints.cosigned_note(get_session(), found), "public, max-age=60")


@blueprint.post("/checkpoint/cosignatures")
@csrf.exempt  # called by witnesses' scripts, never from a form: the body carries its own signature
@public
def add_cosignatures():
    try:
        accepted = checkpoints.accept_cosignatures(
            get_session(), current_actor(), request.get_data(cache=False), utcnow()
        )
    except checkpoints.CosignatureRefused as refused:
        return _text(f"{refused}\n", "no-store", refused.status)
    lines = [
        f"Kept {item.witness.name}'s cosignature of the checkpoint of size {item.tree_size}"
        + ("" if item.new else " (already kept)")
        for item in accepted
    ]
    return _text("\n".join(lines) + "\n", "no-store")


@blueprint.get("/tile/<path:tile_path>")
@public
def tile(tile_path):
    bundle = tile_path.startswith(BUNDLES)
    # An entry bundle's path is a level-0 tile's, with "entries" for the level.
    parsed = tree.parse_tile_path("0/" + tile_path[len(BUNDLES) :] if bundle else tile_path)
    if parsed is None:
        return _text(
            "Not a tile: tiles are at /tile/<L>/<N>[.p/<W>], entry bundles at /tile/entries/<N>[.p/<W>]"
            " (c2sp.org/tlog-tiles).\n",
            "no-store",
            404,
        )
    session = get_session()
    latest = checkpoints.latest(session)
    if latest is None:
        found = None
    elif bundle:
        found = tree.entry_bundle(session, parsed[1], parsed[2], latest.tree_size)
    else:
        found = tree.tile(session, *parsed, latest.tree_size)
    if found is None:  # not yet: a tile beyond the latest checkpoint may be served later
        what = "entry bundle" if bundle else "tile"
        return _text(f"No such {what} in the latest checkpoint's tree.\n", "no-store", 404)
    response = Response(found, content_type="application/octet-stream")
    return _public_json(response, IMMUTABLE)


def _canonical_number(text: str) -> int | None:
    """A size or seq in a path, written as the portal writes it (digits, no leading zero, within any
    ledger's range), or None: one URL for each checkpoint and each proof, and any other path a 404
    in the same form as the URL's own answers, not the site's HTML page."""
    if not text.isascii() or not text.isdigit() or len(text) > 12 or (text.startswith("0") and text != "0"):
        return None
    return int(text)


def _number(name: str) -> int:
    value = request.args.get(name, "")
    if not value.isascii() or not value.isdigit():
        raise proofs.ProofUnavailable(400, f"{name} must be a whole number.")
    if len(value) > 12:  # far beyond any ledger (and any integer column)
        raise proofs.ProofUnavailable(400, f"{name} is larger than the ledger.")
    return int(value)


def _optional_number(name: str) -> int | None:
    return _number(name) if request.args.get(name, "") else None


def _proof(make) -> Response | tuple[Response, int]:
    try:
        document = make()
    except proofs.ProofUnavailable as problem:
        if problem.status >= 500:
            current_app.logger.error("%s %s: %s", request.method, request.full_path, problem)
        return _public_json(jsonify({"error": str(problem)}), "no-store"), problem.status
    return _public_json(jsonify(document), "public, max-age=60")


@blueprint.get("/ledger/proof/inclusion")
@public
def inclusion_proof():
    return _proof(lambda: proofs.inclusion_document(get_session(), _number("seq"), _optional_number("size")))


@blueprint.get("/ledger/proof/consistency")
@public
def consistency_proof():
    return _proof(lambda: proofs.consistency_document(get_session(), _number("from"), _optional_number("to")))


@blueprint.get("/ledger/entries/<seq>/inclusion-proof.json")
@public
def inclusion_proof_download(seq):
    """The proof of inclusion a signed record's page offers: the proof and its checkpoint, one file."""
    session, number = get_session(), _canonical_number(seq)
    if not number:  # not a number as the portal writes it, or 0: entries are numbered from 1
        return _proof(lambda: _no_entry(seq))
    response = _proof(lambda: proofs.inclusion_document(session, number))
    if isinstance(response, Response):
        response.headers["Content-Disposition"] = (
            f'attachment; filename="gm-first-inclusion-proof-GMF-{number:06d}.json"'
        )
    return response


def _no_entry(seq: str):
    raise proofs.ProofUnavailable(404, f"The ledger has no entry {seq[:20]}.")
