from tests.authorization.matrix import only

# Provider A's home, in the matrix's world: provider B (another organisation) must not find it.
HOME = "/homes/{w.provider_a_home.id}"

ROUTES = [
    only("homes.homes", "/homes", provider_a=200, provider_b=200),
    only("homes.new_home", "/homes/new", provider_a=200, provider_b=200),
    only("homes.new_home", "/homes/new", method="POST", provider_a=400, provider_b=400),
    only("homes.home", HOME, provider_a=200, provider_b=404),
    only("homes.edit_home", f"{HOME}/edit", provider_a=200, provider_b=404),
    # Sent empty, the form is refused (and shown again) for provider A.
    only("homes.edit_home", f"{HOME}/edit", method="POST", provider_a=400, provider_b=404),
    only("homes.la_homes", "/la/homes", la_contact=200),
]
