from tests.authorization.matrix import only, public

ROUTES = [
    public("signing.keys", "/.well-known/gm-first-keys.json"),
    public("signing.ledger_head", "/ledger/head"),
    public("signing.verify", "/verify"),
    # Nothing uploaded or pasted: the form is shown again with its error, to everyone alike.
    public("signing.verify", "/verify", status=400, method="POST"),
    public("signing.checkpoint", "/checkpoint"),
    public("signing.earlier_checkpoint", "/ledger/checkpoints/1"),
    # Witnesses' scripts post here with no session and no CSRF token: an empty body is refused alike.
    public("signing.add_cosignatures", "/checkpoint/cosignatures", status=400, method="POST"),
    public("signing.tile", "/tile/0/000.p/1"),
    public("signing.inclusion_proof", "/ledger/proof/inclusion?seq=1"),
    public("signing.consistency_proof", "/ledger/proof/consistency?from=1"),
    public("signing.inclusion_proof_download", "/ledger/entries/1/inclusion-proof.json"),
    only("signing.witnesses", "/admin/witnesses", admin=200),
    # Nothing entered: the form is shown again with its errors.
    only("signing.witnesses", "/admin/witnesses", method="POST", admin=400),
    only("signing.remove_witness", "/admin/witnesses/999999/remove", method="POST", admin=404),
]
