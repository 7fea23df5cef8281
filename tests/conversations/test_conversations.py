"""Conversations between a local authority and a provider: an LA contact starts one with a provider's
named contact, both sides write, each side is emailed and sees what awaits its reply, officers and
admins read, and nobody else finds it."""

import pytest
from sqlalchemy import select

from covenant_portal.access import Role
from covenant_portal.conversations.models import Conversation, ConversationMessage, Side
from covenant_portal.mail.models import OutboxMessage
from tests.contacts.contacts import create_contact
from tests.factories import create_user, local_authority
from tests.homes.homes import audit_events_for

OPENING = {
    "topic": "GM share below the dialogue threshold",
    "subject": "Places for Greater Manchester children",
    "body": "Could we talk about placing more local children with you?",
}


@pytest.fixture
def people(db_session):
    provider = create_user(db_session, Role.PROVIDER, full_name="Pat Provider")
    create_contact(db_session, provider.organisation, name="Sam Referrals", email="sam@provider.example")
    bolton = create_user(db_session, Role.LA_CONTACT, full_name="Bea Bolton", email="bea@bolton.example")
    return provider, bolton


def start(client_request, provider, bolton, **overrides):
    client_request.login(bolton)
    url = f"/conversations/start?provider_id={provider.organisation_id}"
    return client_request.post(url, OPENING | overrides, expected_redirect="conversations.conversation")


def emails_to(session, address):
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def test_an_la_contact_starts_a_conversation_with_the_providers_named_contact(client_request, db_session, people):
    provider, bolton = people
    client_request.login(bolton)
    page = client_request.get_page(
        f"/conversations/start?provider_id={provider.organisation_id}&topic=GM+share+below+the+dialogue+threshold"
    )
    assert page.h1 == f"Start a conversation with {provider.organisation.name}"
    assert "GM share below the dialogue threshold" in page.html  # the topic is filled in from the link
    start(client_request, provider, bolton)
    conversation = db_session.scalars(select(Conversation)).one()
    assert (conversation.local_authority.name, conversation.organisation_id) == ("Bolton", provider.organisation_id)
    assert conversation.topic == OPENING["topic"]
    assert conversation.awaiting == Side.PROVIDER
    assert [message.body for message in conversation.messages] == [OPENING["body"]]
    [email] = emails_to(db_session, "sam@provider.example")
    assert email.subject == "New message from Bolton: Places for Greater Manchester children"
    assert f"/conversations/{conversation.id}" in email.text_body
    assert [event.action for event in audit_events_for(db_session, conversation)] == ["conversation.started"]


def test_both_sides_write_and_each_is_told_and_asked_to_reply(client_request, db_session, people):
    provider, bolton = people
    start(client_request, provider, bolton)
    conversation = db_session.scalars(select(Conversation)).one()
    assert "1 conversation awaiting your reply" not in client_request.get_page("/dashboard")
    client_request.login(provider)
    dashboard = client_request.get_page("/dashboard")
    assert "1 conversation awaiting your reply" in dashboard
    page = client_request.get_page(f"/conversations/{conversation.id}")
    assert OPENING["body"] in page and "Bea Bolton" in page
    client_request.post(
        f"/conversations/{conversation.id}/reply",
        {"body": "Yes, we are recruiting carers in Bolton."},
        form_url=f"/conversations/{conversation.id}",
        expected_redirect=f"/conversations/{conversation.id}",
    )
    db_session.refresh(conversation)
    assert conversation.awaiting == Side.LOCAL_AUTHORITY
    assert [message.side for message in conversation.messages] == [Side.LOCAL_AUTHORITY, Side.PROVIDER]
    [email] = emails_to(db_session, "bea@bolton.example")
    assert email.subject == f"New message from {provider.organisation.name}: Places for Greater Manchester children"
    assert "1 conversation awaiting your reply" not in client_request.get_page("/dashboard")
    client_request.login(bolton)
    assert "1 conversation awaiting your reply" in client_request.get_page("/dashboard")
    assert [event.action for event in audit_events_for(db_session, conversation)] == [
        "conversation.started",
        "conversation.replied",
    ]


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("body", "About the child born 03/04/2015 in our care", "Remove the date of birth"),
        ("subject", "NHS 943 476 5919", "looks like an NHS number"),
        ("topic", "Pupil A123456789012", "unique pupil number"),
        ("body", "", "Enter your message"),
    ],
)
def test_what_could_identify_a_child_is_refused_and_what_was_typed_kept(
    client_request, db_session, people, field, typed, message
):
    provider, bolton = people
    client_request.login(bolton)
    url = f"/conversations/start?provider_id={provider.organisation_id}"
    response = client_request.post(url, OPENING | {field: typed}, expected_status=400)
    page = response.page
    assert page.title.startswith("Error: ")
    assert message in page.text
    assert OPENING["subject" if field != "subject" else "topic"] in page.html
    assert db_session.scalar(select(Conversation.id)) is None


def test_a_reply_is_checked_for_child_identifiers(client_request, db_session, people):
    provider, bolton = people
    start(client_request, provider, bolton)
    conversation = db_session.scalars(select(Conversation)).one()
    response = client_request.post(
        f"/conversations/{conversation.id}/reply",
        {"body": "DOB 1 May 2014"},
        expected_status=400,
        form_url=f"/conversations/{conversation.id}",
    )
    assert "Remove the date of birth" in response.page.text
    assert "DOB 1 May 2014" in response.page.html
    assert len(db_session.scalars(select(ConversationMessage)).all()) == 1


def test_others_find_no_such_conversation_and_readers_cannot_write(client_request, db_session, people):
    provider, bolton = people
    start(client_request, provider, bolton)
    conversation = db_session.scalars(select(Conversation)).one()
    url = f"/conversations/{conversation.id}"
    for outsider in (
        create_user(db_session, Role.PROVIDER),
        create_user(db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Bury")),
    ):
        client_request.login(outsider)
        client_request.get(url, expected_status=404)
        client_request.post(url + "/reply", {"body": "Hello"}, expected_status=404, form_url="/sign-out")
        assert OPENING["subject"] not in client_request.get_page("/conversations")
    for reader in (create_user(db_session, Role.ESCALATION_OFFICER), create_user(db_session, Role.ADMIN)):
        client_request.login(reader)
        page = client_request.get_page(url)
        assert OPENING["body"] in page and "Send reply" not in page
        assert OPENING["subject"] in client_request.get_page("/conversations")
        client_request.post(url + "/reply", {"body": "Hello"}, expected_status=403, form_url="/sign-out")
    assert len(db_session.scalars(select(ConversationMessage)).all()) == 1


def test_no_such_provider_is_not_found(client_request, db_session, people):
    _provider, bolton = people
    client_request.login(bolton)
    client_request.get("/conversations/start?provider_id=2000000000", expected_status=404)
    client_request.get("/conversations/start?provider_id=x", expected_status=404)
    client_request.get("/conversations/start", expected_status=404)


def test_a_provider_without_named_contacts_is_told_through_its_organisation_admins(client_request, db_session):
    provider = create_user(db_session, Role.PROVIDER, email="admin@nocontact.example")
    bolton = create_user(db_session, Role.LA_CONTACT)
    start(client_request, provider, bolton)
    assert len(emails_to(db_session, "admin@nocontact.example")) == 1


def test_every_kind_of_identifier_in_a_field_is_named_next_to_it(client_request, db_session, people):
    provider, bolton = people
    client_request.login(bolton)
    url = f"/conversations/start?provider_id={provider.organisation_id}"
    typed = "Lives at BL9 0EJ, NHS number 943 476 5919"
    response = client_request.post(url, OPENING | {"topic": typed}, expected_status=400)
    assert (
        "Remove the postcode BL9 0EJ and the NHS number 943 476 5919: "
        "do not include information that could identify a child."
    ) in response.page.text
    assert typed in response.page.html
