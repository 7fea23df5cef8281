from tests.authorization.matrix import only, public

NO_SUCH = 2_000_000_000
_OVERSEERS = {"la_contact": 200, "escalation_officer": 200, "admin": 200}

# The public observatory and its open data; the detailed pages for LA contacts (their own LA, and
# providers with homes in it: provider A's home is in Bolton, the LA contact's, provider B has none),
# escalation officers and admins.
ROUTES = [
    public("observatory.overview", "/observatory"),
    public("observatory.data", "/observatory/data"),
    public("observatory.data_file", "/observatory/data/gm-care-capacity-by-host-la.csv"),
    public("observatory.data_meta", "/observatory/data/gm-placements-by-placing-la.meta.csv"),
    public("observatory.data_file", "/observatory/data/no-such-file.csv", status=404),
    only(
        "observatory.local_authority", "/observatory/local-authorities/{w.la_contact.local_authority_id}", **_OVERSEERS
    ),
    only(
        "observatory.local_authority",
        f"/observatory/local-authorities/{NO_SUCH}",
        la_contact=404,
        escalation_officer=404,
        admin=404,
    ),
    only("observatory.provider", "/observatory/providers/{w.provider_a.organisation_id}", **_OVERSEERS),
    only(
        "observatory.provider",
        "/observatory/providers/{w.provider_b.organisation_id}",
        la_contact=404,
        escalation_officer=200,
        admin=200,
    ),
    only(
        "observatory.provider", f"/observatory/providers/{NO_SUCH}", la_contact=404, escalation_officer=404, admin=404
    ),
]
