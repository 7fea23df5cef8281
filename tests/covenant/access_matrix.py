from tests.authorization.matrix import only, public, signed_in

# No signature exists in the matrix's world: these rows check who is let in at all. Which
# signatures each person may see is tested in tests/covenant/test_receipts.py.
NO_SUCH_SIGNATURE = 999999

ROUTES = [
    signed_in("covenant.read", "/covenant"),
    # Nobody in the world has named a contact yet, so organisation admins are asked to name one first.
    only("covenant.sign", "/covenant/sign", provider_a=200, provider_b=200),
    only("covenant.sign", "/covenant/sign", method="POST", provider_a=200, provider_b=200),
    signed_in("covenant.signature", f"/covenant/signatures/{NO_SUCH_SIGNATURE}", status=404),
    signed_in("covenant.receipt", f"/covenant/signatures/{NO_SUCH_SIGNATURE}/receipt", status=404),
    public("covenant.signatories", "/signatories"),
    public("covenant.signatories_csv", "/signatories.csv"),
    only("covenant.all_signatories", "/signatories/all", la_contact=200, escalation_officer=200, admin=200),
    only("covenant.admin_versions", "/admin/covenant", admin=200),
    only("covenant.admin_new", "/admin/covenant/new", admin=200),
    # Sent unchanged, the wording is refused: a new version must change something.
    only("covenant.admin_new", "/admin/covenant/new", method="POST", admin=400),
    only("covenant.admin_version", "/admin/covenant/1", admin=200),
    # Version 1 is already published: the admin is sent back to it with a message.
    only("covenant.admin_publish", "/admin/covenant/1/publish", method="POST", admin=302),
]
