from tests.authorization.matrix import only

# The matrix's world has people but no periods or returns: a return that does not exist is not found
# by the providers allowed to look (tests/returns/test_return_pages.py proves another
# organisation's real return answers the same).
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
# Other helpers: append your routes to ROUTES (ROUTES += [...]) below.


# Admin calendar (blueprint "return_calendar", CHASE helper). The world has no signature, so no periods.
ROUTES += [
    only("return_calendar.return_periods", "/admin/return-periods", admin=200),
    only("return_calendar.change_due_date", f"/admin/return-periods/{NO_SUCH_PERIOD}", admin=404),
    only("return_calendar.change_due_date", f"/admin/return-periods/{NO_SUCH_PERIOD}", method="POST", admin=404),
]

# LA view and overview (blueprint "compliance", LA helper). The world has no periods: the table says
# no return has opened, its CSV has no period to export (404). Which returns each person may see is
# tested in tests/returns/test_compliance.py.
ROUTES += [
    only("compliance.table", "/la/returns", la_contact=200, escalation_officer=200, admin=200),
    only("compliance.table_csv", "/la/returns.csv", la_contact=404, escalation_officer=404, admin=404),
    only("compliance.detail", f"/la/returns/{NO_SUCH_RETURN}", la_contact=404, escalation_officer=404, admin=404),
    only("compliance.overview", "/returns/overview", escalation_officer=200, admin=200),
]

# Signing, signed versions, receipts, corrections and evidence (blueprint "returns", SIGN helper). A
# return that does not exist is not found by anyone allowed to look; another organisation's real
# return answers the same (tests/returns/test_submission_pages.py, test_evidence.py).
_EVERYONE_SIGNED_IN_404 = {
    "provider_a": 404, "provider_b": 404, "la_contact": 404, "escalation_officer": 404, "admin": 404,
}
NO_SUCH_FILE = 2_000_000_000
ROUTES += [
    only("returns.sign", f"/returns/{NO_SUCH_RETURN}/sign", provider_a=404, provider_b=404),
    only("returns.sign", f"/returns/{NO_SUCH_RETURN}/sign", method="POST", provider_a=404, provider_b=404),
    only("returns.submission", f"/returns/{NO_SUCH_RETURN}/submissions/1", **_EVERYONE_SIGNED_IN_404),
    only("returns.receipt", f"/returns/{NO_SUCH_RETURN}/submissions/1/receipt", **_EVERYONE_SIGNED_IN_404),
    only("returns.submission_document", f"/returns/{NO_SUCH_RETURN}/submissions/1/document.json",
         **_EVERYONE_SIGNED_IN_404),
    only("returns.correct", f"/returns/{NO_SUCH_RETURN}/correct", method="POST", provider_a=404, provider_b=404),
    only("returns.evidence", f"/returns/{NO_SUCH_RETURN}/pledges/1/evidence", provider_a=404, provider_b=404),
    only("returns.evidence", f"/returns/{NO_SUCH_RETURN}/pledges/1/evidence", method="POST",
         provider_a=404, provider_b=404),
    only("returns.evidence_download", f"/returns/{NO_SUCH_RETURN}/evidence/{NO_SUCH_FILE}", **_EVERYONE_SIGNED_IN_404),
    only("returns.evidence_remove", f"/returns/{NO_SUCH_RETURN}/evidence/{NO_SUCH_FILE}/remove", method="POST",
         provider_a=404, provider_b=404),
]
