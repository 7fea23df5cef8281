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

# The steps' pages, each offered only to whoever may take the step at the concern's stage; anyone
# else who may see the concern gets 404 too. Sent empty, a step is refused (400), but acknowledging
# (a note is optional) and the raiser agreeing to a resolution, which need nothing typed.
STAGE = "/concerns/{{w.concern_stages.{}.id}}"
NOBODY = {name: 404 for name in PARTIES}
BOTH_AND_OFFICER = {"provider_a": 200, "provider_b": 404, "la_contact": 200, "escalation_officer": 200}
STEP_PAGES = [
    ("acknowledge", f"{CONCERN}/acknowledge", {"la_contact": 200}, {"la_contact": 302}),
    (
        "propose",
        STAGE.format("acknowledged") + "/propose",
        {"la_contact": 200, "escalation_officer": 200},
        {"la_contact": 400, "escalation_officer": 400},
    ),
    (
        "resolve",
        STAGE.format("proposed") + "/resolve",
        {"provider_a": 200, "escalation_officer": 200},
        {"provider_a": 302, "escalation_officer": 400},
    ),
    ("arrange", STAGE.format("resolved") + "/arrange", BOTH_AND_OFFICER, None),
    ("held", STAGE.format("arranged") + "/held", BOTH_AND_OFFICER, None),
    ("learning", STAGE.format("held") + "/learning", BOTH_AND_OFFICER, None),
    ("reopen", STAGE.format("resolved") + "/reopen", {"escalation_officer": 200}, {"escalation_officer": 400}),
    ("extend", f"{CONCERN}/extend", {"escalation_officer": 200}, {"escalation_officer": 400}),
]
for step, url, shown, posted in STEP_PAGES:
    if posted is None:
        posted = {name: 400 if status == 200 else status for name, status in shown.items()}
    ROUTES += [
        only(f"concerns.{step}", url, **(NOBODY | shown)),
        only(f"concerns.{step}", url, method="POST", **(NOBODY | posted)),
    ]
# A step not open at the concern's stage is not found, even for whoever takes it at another.
ROUTES.append(only("concerns.propose", f"{CONCERN}/propose", **NOBODY))

# The officers' overview and its CSV.
ROUTES += [
    only("concerns.overview_page", "/concerns/overview", escalation_officer=200),
    only("concerns.overview_csv", "/concerns/overview.csv", escalation_officer=200),
]
