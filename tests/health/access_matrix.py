from tests.authorization.matrix import public

ROUTES = [
    # Open to everyone. In the matrix's world no scheduler has ever beaten, so it answers 503.
    public("health.healthz", "/healthz", status=503),
]
