from tests.authorization.matrix import only

# The matrix's world has people but no homes: a home that does not exist is not found by the providers
# allowed to look (tests/homes/test_homes.py proves another organisation's real home answers the same).
NO_SUCH_HOME = 2_000_000_000

ROUTES = [
    only("homes.homes", "/homes", provider_a=200, provider_b=200),
    only("homes.new_home", "/homes/new", provider_a=200, provider_b=200),
    only("homes.new_home", "/homes/new", method="POST", provider_a=400, provider_b=400),
    only("homes.home", f"/homes/{NO_SUCH_HOME}", provider_a=404, provider_b=404),
    only("homes.edit_home", f"/homes/{NO_SUCH_HOME}/edit", provider_a=404, provider_b=404),
    only("homes.edit_home", f"/homes/{NO_SUCH_HOME}/edit", method="POST", provider_a=404, provider_b=404),
    only("homes.la_homes", "/la/homes", la_contact=200),
]
