from tests.authorization.matrix import Route, signed_in

ROUTES = [
    Route("accounts.login", "GET", "/sign-in", {"anonymous": 200}, otherwise=302),
    Route("accounts.login", "POST", "/sign-in", {"anonymous": 400}, otherwise=302),
    signed_in("accounts.logout", "/sign-out"),
    signed_in("accounts.logout", "/sign-out", method="POST", status=302),
    signed_in("accounts.account", "/account"),
]
