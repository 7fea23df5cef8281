"""The expansions area's routes in the authorization matrix (tests/authorization/matrix.py). The
world (tests/expansions/helpers.py expansion_world) holds provider A's proposal in Bolton, the LA
contact's LA, with a "Discuss further" response, its draft proposal, and a Bolton need. Provider B
finds none of provider A's proposals (404); only LA contacts, escalation officers and admins see the
LA side; only the host LA's contacts respond (tests/expansions/test_pages.py shows another LA's
contact is refused)."""

from tests.authorization.matrix import only, signed_in

P = "/expansions/proposals/{w.expansions.proposal.id}"
D = "/expansions/proposals/{w.expansions.draft.id}"
LA = "/la/expansions/{w.expansions.proposal.id}"
NEED = "/expansions/needs/{w.expansions.need.id}"
OWN = {"provider_a": 200, "provider_b": 404}
LA_SIDE = {"la_contact": 200, "escalation_officer": 200, "admin": 200}
EDITORS = {"la_contact": 200, "admin": 200}
RECORD = {**OWN, **LA_SIDE}

ROUTES = [
    # Needs statements
    signed_in("expansion_needs.needs", "/expansions/needs"),
    signed_in("expansion_needs.needs_csv", "/expansions/needs.csv"),
    only("expansion_needs.new_need", "/expansions/needs/new", **EDITORS),
    only("expansion_needs.new_need", "/expansions/needs/new", method="POST", la_contact=400, admin=400),
    only("expansion_needs.edit_need", NEED + "/edit", **EDITORS),
    only("expansion_needs.edit_need", NEED + "/edit", method="POST", la_contact=400, admin=400),
    only("expansion_needs.withdraw_need", NEED + "/withdraw", **EDITORS),
    only("expansion_needs.withdraw_need", NEED + "/withdraw", method="POST", la_contact=302, admin=302),
    # The provider's side
    only("expansion_proposals.proposals", "/expansions/proposals", provider_a=200, provider_b=200),
    only("expansion_proposals.start", "/expansions/proposals/new", method="POST", provider_a=302, provider_b=302),
    only("expansion_proposals.proposal", P, **OWN),
    only("expansion_proposals.proposal", D, **OWN),
    only("expansion_proposals.section", D + "/sections/service", **OWN),
    # Posted without the lock the page carries, a save over a section already saved is a conflict (409).
    only("expansion_proposals.section", D + "/sections/service", method="POST", provider_a=409, provider_b=404),
    only("expansion_proposals.check", D + "/check", **OWN),
    only("expansion_proposals.check", D + "/check", method="POST", provider_a=400, provider_b=404),
    only("expansion_proposals.version", P + "/versions/1", **OWN),
    only("expansion_proposals.answer", P + "/answer", method="POST", provider_a=302, provider_b=404),
    only("expansion_proposals.message", P + "/messages", method="POST", provider_a=400, provider_b=404),
    only("expansion_proposals.withdraw", P + "/withdraw", **OWN),
    only("expansion_proposals.withdraw", P + "/withdraw", method="POST", provider_a=302, provider_b=404),
    only("expansion_proposals.revise", P + "/revise", method="POST", provider_a=302, provider_b=404),
    # The LAs' side
    only("expansion_triage.queue", "/la/expansions", la_contact=200),
    only("expansion_triage.proposal", LA, **LA_SIDE),
    only("expansion_triage.take", LA + "/take", method="POST", la_contact=302),
    only("expansion_triage.ask", LA + "/information", method="POST", la_contact=400),
    only("expansion_triage.message", LA + "/messages", method="POST", la_contact=400),
    only("expansion_triage.outcome", LA + "/outcome", la_contact=200),
    only("expansion_triage.outcome", LA + "/outcome", method="POST", la_contact=400),
    only("expansion_triage.version", LA + "/versions/1", **LA_SIDE),
    # The records: the letter and the receipts, for the provider and the LA side
    only(
        "expansion_triage.letter",
        "/expansions/{w.expansions.proposal.id}/outcomes/{w.expansions.outcome.id}/letter",
        **RECORD,
    ),
    only(
        "expansion_triage.outcome_receipt",
        "/expansions/{w.expansions.proposal.id}/outcomes/{w.expansions.outcome.id}/receipt",
        **RECORD,
    ),
    only("expansion_triage.proposal_receipt", "/expansions/{w.expansions.proposal.id}/versions/1/receipt", **RECORD),
    # Those who oversee the covenant: every submitted proposal, read only
    only("expansion_oversight.proposals", "/expansions/oversight", escalation_officer=200, admin=200),
    # Reports
    only("expansion_reports.report", "/expansions/reports", **LA_SIDE),
    only("expansion_reports.proposals_csv", "/expansions/reports/proposals.csv", **LA_SIDE),
    only("expansion_reports.times_csv", "/expansions/reports/response-times.csv", **LA_SIDE),
]
