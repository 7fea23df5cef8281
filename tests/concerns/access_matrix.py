from tests.authorization.matrix import only

# Provider A's concern about Bolton (the LA contact's authority), in the matrix's world: provider B
# is not a party to it and must not find it.
CONCERN = "/concerns/{w.concern.id}"
PARTIES = {"provider_a": 200, "provider_b": 200, "la_contact": 200, "escalation_officer": 200}

ROUTES = [
    only("concerns.concerns", "/concerns", **PARTIES),
    only("concerns.raise_concern", "/concerns/new", **PARTIES),
    only("concerns.raise_concern", "/concerns/new", method="POST", **{name: 400 for name in PARTIES}),
    only("concerns.concern", CONCERN, provider_a=200, provider_b=404, la_contact=200, escalation_officer=200),
    # Sent empty, the message is refused and the concern shown again to its parties.
    only(
        "concerns.send_message",
        f"{CONCERN}/messages",
        method="POST",
        provider_a=400,
        provider_b=404,
        la_contact=400,
        escalation_officer=400,
    ),
    # Closing before the learning is recorded is refused, with what is missing.
    only("concerns.close", f"{CONCERN}/close", method="POST", escalation_officer=400),
]

RECEIPT = "/concerns/{w.closed_concern.concern.id}/closures/{w.closed_concern.closure.id}/receipt"
ROUTES += [
    only(
        "concerns.closure_receipt",
        RECEIPT,
        provider_a=200,
        provider_b=404,
        la_contact=200,
        escalation_officer=200,
    ),
]
