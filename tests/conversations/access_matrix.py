from tests.authorization.matrix import only

# The Bolton LA contact's conversation with provider A, in the matrix's world: provider B (another
# organisation) finds no such conversation; officers and admins read it but do not write in it.
CONVERSATION = "/conversations/{w.conversation.id}"
READERS = {"provider_a": 200, "la_contact": 200, "escalation_officer": 200, "admin": 200}

ROUTES = [
    only("conversations.start", "/conversations/start?provider_id={w.provider_a.organisation_id}", la_contact=200),
    # Sent empty, the form is refused and shown again.
    only(
        "conversations.start",
        "/conversations/start?provider_id={w.provider_a.organisation_id}",
        method="POST",
        la_contact=400,
    ),
    only("conversations.start", "/conversations/start?provider_id=2000000000", la_contact=404),
    only("conversations.conversations", "/conversations", provider_b=200, **READERS),
    only("conversations.conversation", CONVERSATION, provider_b=404, **READERS),
    only("conversations.reply", f"{CONVERSATION}/reply", method="POST", provider_a=400, la_contact=400, provider_b=404),
]
