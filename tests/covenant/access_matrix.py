from tests.authorization.matrix import SIGN_IN, Route, only, public, signed_in

# Provider A's signature of version 1, in the matrix's world: its own people and those who oversee
# the covenant see it; provider B (another organisation) does not find it.
SIGNATURE = "/covenant/signatures/{w.provider_a_signature.id}"
OVERSEEN = {"anonymous": SIGN_IN, "provider_a": 200, "provider_b": 404}

ROUTES = [
    signed_in("covenant.read", "/covenant"),
    # Provider A has signed the current version: it is taken to its receipt. Provider B has named no
    # contact yet, so it is asked to name one first.
    only("covenant.sign", "/covenant/sign", provider_a=302, provider_b=200),
    only("covenant.sign", "/covenant/sign", method="POST", provider_a=302, provider_b=200),
    Route("covenant.signature", "GET", SIGNATURE, OVERSEEN, otherwise=200),
    Route("covenant.receipt", "GET", f"{SIGNATURE}/receipt", OVERSEEN, otherwise=200),
    public("covenant.version_document", "/covenant/versions/1.json"),
    public("covenant.version_document", "/covenant/versions/999.json", status=404),  # nor a draft
    public("covenant.signatories", "/signatories"),
    public("covenant.signatories_csv", "/signatories.csv"),
    only("covenant.all_signatories", "/signatories/all", la_contact=200, escalation_officer=200, admin=200),
    only("covenant.admin_versions", "/admin/covenant", admin=200),
    only("covenant.admin_new", "/admin/covenant/new", admin=200),
    # Sent unchanged, the wording is refused: a new version must change something.
    only("covenant.admin_new", "/admin/covenant/new", method="POST", admin=400),
    only("covenant.admin_version", "/admin/covenant/1", admin=200),
    # Version 1 is published already: its confirmation leads back to it, and publishing it again is
    # refused with a message.
    only("covenant.admin_publish", "/admin/covenant/1/publish", admin=302),
    only("covenant.admin_publish", "/admin/covenant/1/publish", method="POST", admin=302),
    # Version 2 is drafted in the matrix's world: the admin reads it and is asked to confirm publishing
    # it; nobody can fetch a draft's document.
    only("covenant.admin_version", "/admin/covenant/{w.covenant_draft.number}", admin=200),
    only("covenant.admin_publish", "/admin/covenant/{w.covenant_draft.number}/publish", admin=200),
    public("covenant.version_document", "/covenant/versions/{w.covenant_draft.number}.json", status=404),
]

# The LAs' side (covenant/la_routes.py): the matrix's LA contact (Bolton) has not signed; Bury has.
LA_SIGNATURE = "/la/covenant/signatures/{w.la_signature.id}"
ROUTES += [
    only("la_covenant.sign", "/la/covenant/sign", la_contact=200),
    only("la_covenant.sign", "/la/covenant/sign", method="POST", la_contact=400),
    signed_in("la_covenant.signature", LA_SIGNATURE),
    signed_in("la_covenant.receipt", f"{LA_SIGNATURE}/receipt"),
    signed_in("la_covenant.signature", "/la/covenant/signatures/2000000000", status=404),
]
