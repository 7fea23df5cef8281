from dataclasses import replace

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
# else who may see the concern gets 404 too, but a step sent to it (from a page opened before the
# concern moved on) gets the one stale-tab page (409, web/stale.py: the concern was changed while the
# page was open, with a link back to it; it was a redirect to the concern's page). Sent empty, a step
# is refused (400), but acknowledging (a note is optional) and the raiser agreeing to a resolution,
# which need nothing typed.
STAGE = "/concerns/{{w.concern_stages.{}.id}}"
NOBODY = {name: 404 for name in PARTIES}
NOBODY_POSTED = {"provider_a": 409, "provider_b": 404, "la_contact": 409, "escalation_officer": 409}
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
        only(f"concerns.{step}", url, method="POST", **(NOBODY_POSTED | posted)),
    ]
# A step not open at the concern's stage is not found, even for whoever takes it at another.
ROUTES.append(only("concerns.propose", f"{CONCERN}/propose", **NOBODY))

# The officers' overview and its CSV.
ROUTES += [
    only("concerns.overview_page", "/concerns/overview", escalation_officer=200),
    only("concerns.overview_csv", "/concerns/overview.csv", escalation_officer=200),
]

# A learning action of the closed concern, marked done by either party or an officer (sent empty:
# the note is optional, so it is done).
ACTION = "/concerns/{w.closed_concern.concern.id}/actions/{w.learning.action.id}/done"
BOTH = {"provider_a": 200, "provider_b": 404, "la_contact": 200, "escalation_officer": 200}
ROUTES += [
    only("concerns.action_done", ACTION, **BOTH),
    only("concerns.action_done", ACTION, method="POST", **{name: 302 if s == 200 else s for name, s in BOTH.items()}),
]

# The learning library: everyone signed in browses it and reads what is published; drafts only
# officers; the parties to the concern (provider A and Bolton) say on their page whether their
# names are shown, and nobody else finds that page, even of a published summary.
EVERYONE = {name: 200 for name in ("provider_a", "provider_b", "la_contact", "escalation_officer", "admin")}
PUBLISHED, DRAFT = "/learning/{w.learning.published.id}", "/learning/{w.learning.draft.id}"
PARTIES_ONLY = {"provider_a": 200, "la_contact": 200, "provider_b": 404}
ROUTES += [
    only("learning.library", "/learning", **EVERYONE),
    only("learning.summary", PUBLISHED, **EVERYONE),
    only("learning.summary", DRAFT, **{name: 404 for name in EVERYONE} | {"escalation_officer": 200}),
    only(
        "learning.summary",
        "/learning/{w.learning.practice.id}",
        **{name: 404 for name in EVERYONE} | {"escalation_officer": 200},
    ),
    only("learning.new_good_practice", "/learning/new", escalation_officer=200),
    only("learning.new_good_practice", "/learning/new", method="POST", escalation_officer=400),
    only("learning.from_concern", "/concerns/{w.closed_concern.concern.id}/learning-summary", escalation_officer=200),
    only(
        "learning.from_concern",
        "/concerns/{w.closed_concern.concern.id}/learning-summary",
        method="POST",
        escalation_officer=400,
    ),
    # A concern not closed has no summary written from it.
    only("learning.from_concern", f"{CONCERN}/learning-summary", escalation_officer=404),
    only("learning.edit", DRAFT + "/edit", escalation_officer=200),
    only("learning.edit", DRAFT + "/edit", method="POST", escalation_officer=400),
    only("learning.edit", PUBLISHED + "/edit", escalation_officer=404),
    only("learning.publish", DRAFT + "/publish", method="POST", escalation_officer=302),
    # Already published (a second tab): nothing changes, and the summary says so.
    only("learning.publish", PUBLISHED + "/publish", method="POST", escalation_officer=302),
    only("learning.names", DRAFT + "/names", **PARTIES_ONLY),
    only("learning.names", PUBLISHED + "/names", **PARTIES_ONLY),
    # Agreeing (a press of one of its buttons: a post with neither changes nothing, and shows the page).
    replace(
        only(
            "learning.names",
            DRAFT + "/names",
            method="POST",
            **{name: 302 if s == 200 else s for name, s in PARTIES_ONLY.items()},
        ),
        data={"agree": "Agree to show our name"},
    ),
]
