from tests.authorization.matrix import only

ROUTES = [
    only("audit.events", "/admin/audit", admin=200),
]
