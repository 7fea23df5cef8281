from tests.authorization.matrix import only

# A return that does not exist is not found by the providers allowed to look
# (tests/returns/test_return_pages.py proves another organisation's real return answers the same);
# provider A's real returns in the matrix's world are listed below.
NO_SUCH_RETURN = 2_000_000_000
NO_SUCH_PERIOD = 2_000_000_000

ROUTES = [
    # Provider pages (blueprint "returns", EDIT helper)
    only("returns.returns", "/returns", provider_a=200, provider_b=200),
    only("returns.start", f"/returns/{NO_SUCH_PERIOD}/start", method="POST", provider_a=404, provider_b=404),
    only("returns.task_list", f"/returns/{NO_SUCH_RETURN}", provider_a=404, provider_b=404),
    only("returns.pledge", f"/returns/{NO_SUCH_RETURN}/pledges/1", provider_a=404, provider_b=404),
    only("returns.pledge", f"/returns/{NO_SUCH_RETURN}/pledges/1", method="POST", provider_a=404, provider_b=404),
    only("returns.occupancy", f"/returns/{NO_SUCH_RETURN}/occupancy", provider_a=404, provider_b=404),
    only("returns.occupancy", f"/returns/{NO_SUCH_RETURN}/occupancy", method="POST", provider_a=404, provider_b=404),
    only("returns.contacts", f"/returns/{NO_SUCH_RETURN}/contacts", provider_a=404, provider_b=404),
    only("returns.contacts", f"/returns/{NO_SUCH_RETURN}/contacts", method="POST", provider_a=404, provider_b=404),
    only("returns.check", f"/returns/{NO_SUCH_RETURN}/check", provider_a=404, provider_b=404),
]

# Provider A's own returns in the matrix's world (tests/authorization/world_parts.py): its Q2 return,
# started (an open draft), and its Q1 return, signed (version 1, with a PDF on pledge 1). Provider B,
# another organisation, does not find them; those who oversee the returns read the signed one.
DRAFT = "/returns/{w.returns.draft_return.id}"
SIGNED = "/returns/{w.returns.signed_return.id}"
_OWN_ONLY = {"provider_a": 200, "provider_b": 404}
_SIGNED_READERS = {**_OWN_ONLY, "la_contact": 200, "escalation_officer": 200, "admin": 200}
ROUTES += [
    only("returns.task_list", DRAFT, **_OWN_ONLY),
    only("returns.pledge", f"{DRAFT}/pledges/1", **_OWN_ONLY),
    only("returns.occupancy", f"{DRAFT}/occupancy", **_OWN_ONLY),
    only("returns.contacts", f"{DRAFT}/contacts", **_OWN_ONLY),
    only("returns.check", f"{DRAFT}/check", **_OWN_ONLY),
]
# Other helpers: append your routes to ROUTES (ROUTES += [...]) below.


# Admin calendar (blueprint "return_calendar", CHASE helper). A period that does not exist is not found.
ROUTES += [
    only("return_calendar.return_periods", "/admin/return-periods", admin=200),
    only("return_calendar.change_due_date", f"/admin/return-periods/{NO_SUCH_PERIOD}", admin=404),
    only("return_calendar.change_due_date", f"/admin/return-periods/{NO_SUCH_PERIOD}", method="POST", admin=404),
]

# Provider A's periods, in the matrix's world.
ROUTES += [
    only("return_calendar.change_due_date", "/admin/return-periods/{w.returns.period.id}", admin=200),
]

# LA view and overview (blueprint "compliance", LA helper). The world has Q1 and Q2 2026 to 2027
# open, and provider A's Q1 return signed, for a home in Bolton (the LA contact's area); a page of
# the table that does not exist is not found. Which returns each person may see is tested in
# tests/returns/test_compliance.py.
ROUTES += [
    only("compliance.table", "/la/returns", la_contact=200, escalation_officer=200, admin=200),
    only("compliance.table_csv", "/la/returns.csv", la_contact=200, escalation_officer=200, admin=200),
    only("compliance.table_csv", "/la/returns.csv?page=0", la_contact=404, escalation_officer=404, admin=404),
    only("compliance.detail", f"/la/returns/{NO_SUCH_RETURN}", la_contact=404, escalation_officer=404, admin=404),
    only(
        "compliance.detail",
        SIGNED.replace("/returns", "/la/returns", 1),
        la_contact=200,
        escalation_officer=200,
        admin=200,
    ),
    only("compliance.overview", "/returns/overview", escalation_officer=200, admin=200),
]

# Signing, signed versions, receipts, corrections and evidence (blueprint "returns", SIGN helper). A
# return that does not exist is not found by anyone allowed to look; another organisation's real
# return answers the same (tests/returns/test_submission_pages.py, test_evidence.py).
_EVERYONE_SIGNED_IN_404 = {
    "provider_a": 404,
    "provider_b": 404,
    "la_contact": 404,
    "escalation_officer": 404,
    "admin": 404,
}
NO_SUCH_FILE = 2_000_000_000
ROUTES += [
    only("returns.sign", f"/returns/{NO_SUCH_RETURN}/sign", provider_a=404, provider_b=404),
    only("returns.sign", f"/returns/{NO_SUCH_RETURN}/sign", method="POST", provider_a=404, provider_b=404),
    only("returns.submission", f"/returns/{NO_SUCH_RETURN}/submissions/1", **_EVERYONE_SIGNED_IN_404),
    only("returns.receipt", f"/returns/{NO_SUCH_RETURN}/submissions/1/receipt", **_EVERYONE_SIGNED_IN_404),
    only(
        "returns.submission_document",
        f"/returns/{NO_SUCH_RETURN}/submissions/1/document.json",
        **_EVERYONE_SIGNED_IN_404,
    ),
    only("returns.correct", f"/returns/{NO_SUCH_RETURN}/correct", method="POST", provider_a=404, provider_b=404),
    only("returns.evidence", f"/returns/{NO_SUCH_RETURN}/pledges/1/evidence", provider_a=404, provider_b=404),
    only(
        "returns.evidence",
        f"/returns/{NO_SUCH_RETURN}/pledges/1/evidence",
        method="POST",
        provider_a=404,
        provider_b=404,
    ),
    only("returns.evidence_download", f"/returns/{NO_SUCH_RETURN}/evidence/{NO_SUCH_FILE}", **_EVERYONE_SIGNED_IN_404),
    only(
        "returns.evidence_remove",
        f"/returns/{NO_SUCH_RETURN}/evidence/{NO_SUCH_FILE}/remove",
        method="POST",
        provider_a=404,
        provider_b=404,
    ),
]

# Provider A's signed return and the draft of its other return, in the matrix's world.
ROUTES += [
    only("returns.sign", f"{DRAFT}/sign", provider_a=302, provider_b=404),  # to check answers, where signing is
    only("returns.submission", f"{SIGNED}/submissions/1", **_SIGNED_READERS),
    only("returns.receipt", f"{SIGNED}/submissions/1/receipt", **_SIGNED_READERS),
    only("returns.submission_document", f"{SIGNED}/submissions/1/document.json", **_SIGNED_READERS),
    only("returns.evidence", f"{DRAFT}/pledges/1/evidence", **_OWN_ONLY),
    only("returns.evidence_download", f"{SIGNED}/evidence/{{w.returns.evidence.id}}", **_SIGNED_READERS),
]
