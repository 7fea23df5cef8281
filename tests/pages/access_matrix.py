from tests.authorization.matrix import Route, public, signed_in

ROUTES = [
    Route("pages.home", "GET", "/", {"anonymous": 200}, otherwise=302),
    signed_in("pages.dashboard", "/dashboard"),
    public("pages.accessibility", "/accessibility"),
    public("pages.privacy", "/privacy"),
    public("pages.cookies", "/cookies"),
]
