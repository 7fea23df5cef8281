from tests.authorization.matrix import public

ROUTES = [
    public("signing.keys", "/.well-known/gm-first-keys.json"),
    public("signing.ledger_head", "/ledger/head"),
    public("signing.verify", "/verify"),
    # Nothing uploaded or pasted: the form is shown again with its error, to everyone alike.
    public("signing.verify", "/verify", status=400, method="POST"),
]
