"""Each Greater Manchester LA names contacts for providers (pledge 2); everyone signed in sees who."""

import re

import pytest
from sqlalchemy import select

from covenant_portal.accounts.models import LocalAuthority
from covenant_portal.access import Role
from covenant_portal.contacts.models import LocalAuthorityNamedContact
from covenant_portal.db import utcnow
from tests.contacts.contacts import name_la_contact
from tests.factories import create_user, local_authority
from tests.homes.homes import audit_events_for

GM_AUTHORITIES = [
    "Bolton",
    "Bury",
    "Manchester",
    "Oldham",
    "Rochdale",
    "Salford",
    "Stockport",
    "Tameside",
    "Trafford",
    "Wigan",
]


@pytest.fixture
def bolton_contact(db_session):
    return create_user(
        db_session,
        Role.LA_CONTACT,
        local_authority=local_authority(db_session, "Bolton"),
        full_name="Bea Bolton",
        job_title="Placements commissioner",
        email="bea@bolton.example",
    )


def entries_for(db_session, user) -> list[LocalAuthorityNamedContact]:
    query = select(LocalAuthorityNamedContact).where(LocalAuthorityNamedContact.user_id == user.id)
    return list(db_session.scalars(query.order_by(LocalAuthorityNamedContact.id)))


def directory_section(html: str, authority: str) -> str:
    """The part of the directory about one authority (up to the next authority's heading)."""
    heading = '<h2 class="govuk-heading-m">'
    match = re.search(rf"{heading}{authority}<(.*?)({heading}|</main>)", html, re.S)
    assert match, f"no section for {authority}"
    return match.group(1)


def test_an_la_contact_becomes_their_las_named_contact(client_request, db_session, bolton_contact):
    client_request.login(bolton_contact)
    page = client_request.get("/la/named-contact").get_data(as_text=True)
    assert "You are not a named contact for Bolton" in page
    assert 'value="bea@bolton.example"' in page  # their own address is suggested

    client_request.post(
        "/la/named-contact",
        {"email": "placements@bolton.example", "phone": "01204 333 333"},
        expected_redirect="/la/named-contact",
    )

    [named] = entries_for(db_session, bolton_contact)
    assert (named.local_authority_id, named.email, named.phone, named.ended_at) == (
        bolton_contact.local_authority_id,
        "placements@bolton.example",
        "01204 333 333",
        None,
    )
    page = client_request.get("/la/named-contact").get_data(as_text=True)
    assert "You are now a named contact for Bolton" in page and "Stop being a named contact" in page
    bolton = directory_section(client_request.get("/directory").get_data(as_text=True), "Bolton")
    assert "Bea Bolton" in bolton and "Placements commissioner" in bolton
    assert 'href="mailto:placements@bolton.example"' in bolton and 'href="tel:+441204333333"' in bolton
    assert "You are a named contact" in client_request.get("/dashboard").get_data(as_text=True)
    [event] = audit_events_for(db_session, named)
    assert (event.action, event.actor_id) == ("la_named_contact.started", bolton_contact.id)


def test_changing_the_details_ends_the_old_entry_and_starts_a_new_one(client_request, db_session, bolton_contact):
    first = name_la_contact(db_session, bolton_contact, email="old@bolton.example")
    client_request.login(bolton_contact)
    assert 'value="old@bolton.example"' in client_request.get("/la/named-contact").get_data(as_text=True)

    client_request.post(
        "/la/named-contact",
        {"email": "new@bolton.example", "phone": "01204 333 334"},
        expected_redirect="/la/named-contact",
    )

    old, new = entries_for(db_session, bolton_contact)
    assert old.id == first.id and old.ended_at is not None
    assert (new.email, new.ended_at) == ("new@bolton.example", None)
    assert new.started_at == old.ended_at
    page = client_request.get("/la/named-contact").get_data(as_text=True)
    assert "Your details for providers have been updated" in page
    assert "old@bolton.example" in page and "new@bolton.example" in page  # the history table
    [event] = audit_events_for(db_session, new)
    assert event.action == "la_named_contact.changed" and event.details["replaces_id"] == old.id

    client_request.post(
        "/la/named-contact",
        {"email": "new@bolton.example", "phone": "01204 333 334"},
        expected_redirect="/la/named-contact",
    )
    assert "Nothing was changed" in client_request.get("/la/named-contact").get_data(as_text=True)
    assert len(entries_for(db_session, bolton_contact)) == 2


def test_an_la_contact_stops_being_the_named_contact(client_request, db_session, bolton_contact):
    named = name_la_contact(db_session, bolton_contact)
    client_request.login(bolton_contact)
    client_request.post("/la/named-contact", {"action": "stop"}, expected_redirect="/la/named-contact")

    db_session.refresh(named)
    assert named.ended_at is not None
    assert "You are no longer a named contact for Bolton" in client_request.get("/la/named-contact").get_data(
        as_text=True
    )
    bolton = directory_section(client_request.get("/directory").get_data(as_text=True), "Bolton")
    assert "No named contact yet" in bolton and "Bea Bolton" not in bolton
    assert [event.action for event in audit_events_for(db_session, named)] == ["la_named_contact.ended"]


def test_named_contact_details_with_mistakes_are_shown_again(client_request, db_session, bolton_contact):
    client_request.login(bolton_contact)
    page = client_request.post("/la/named-contact", {"email": "", "phone": "01204"}, expected_status=400).get_data(
        as_text=True
    )
    assert "Enter the email address providers should use" in page
    assert "Enter a UK telephone number" in page and 'value="01204"' in page
    assert entries_for(db_session, bolton_contact) == []


def test_the_directory_lists_all_ten_gm_authorities_and_who_to_talk_to(client_request, db_session, bolton_contact):
    name_la_contact(db_session, bolton_contact)
    bury = create_user(
        db_session, Role.LA_CONTACT, local_authority=local_authority(db_session, "Bury"), full_name="Ben Bury"
    )
    name_la_contact(db_session, bury, ended_at=utcnow())
    gone = create_user(
        db_session,
        Role.LA_CONTACT,
        local_authority=local_authority(db_session, "Wigan"),
        full_name="Gail Gone",
        deactivated_at=utcnow(),
    )
    name_la_contact(db_session, gone)
    db_session.add(LocalAuthority(ons_code="E06000049", name="Cheshire East", council="Cheshire East Council"))
    db_session.flush()
    client_request.login(create_user(db_session, Role.PROVIDER))

    page = client_request.get("/directory").get_data(as_text=True)
    assert "Who to talk to in each Greater Manchester local authority" in page
    headings = re.findall(r'<h2 class="govuk-heading-m">([^<]+)<', page)
    assert headings == GM_AUTHORITIES
    assert "Bea Bolton" in directory_section(page, "Bolton")
    for authority in GM_AUTHORITIES[1:]:
        assert "No named contact yet" in directory_section(page, authority), authority
    assert "Ben Bury" not in page and "Gail Gone" not in page


@pytest.mark.parametrize("role", list(Role))
def test_everyone_signed_in_can_see_the_directory(client_request, db_session, role):
    client_request.login(create_user(db_session, role))
    client_request.get("/directory")


def test_admins_see_each_authority_flagged_without_a_named_contact(client_request, db_session, bolton_contact):
    name_la_contact(db_session, bolton_contact)
    admin = create_user(db_session, Role.ADMIN)
    client_request.login(admin)

    page = client_request.get("/admin/named-contacts").get_data(as_text=True)
    rows = re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>(.*?)</tr>', page, re.S)
    assert [authority for authority, _row in rows] == GM_AUTHORITIES
    for authority, row in rows:
        flagged = '<strong class="govuk-tag govuk-tag--red">' in row and "No named contact" in row
        assert flagged == (authority != "Bolton"), authority
    assert "Bea Bolton" in rows[0][1]
    assert "No named contact in Bury, Manchester" in client_request.get("/dashboard").get_data(as_text=True)


def test_an_admin_names_an_la_contact_and_ends_it(client_request, db_session, bolton_contact):
    client_request.login(create_user(db_session, Role.ADMIN, full_name="Alex Admin"))
    listing = client_request.get("/admin/named-contacts").get_data(as_text=True)
    assert f'href="/admin/named-contacts/{bolton_contact.id}"' in listing  # among those not named

    form_page = client_request.get(f"/admin/named-contacts/{bolton_contact.id}").get_data(as_text=True)
    assert "Name Bea Bolton as a contact for Bolton" in form_page
    bad = client_request.post(
        f"/admin/named-contacts/{bolton_contact.id}", {"email": "bea@bolton.example", "phone": ""}, expected_status=400
    )
    assert "Enter a telephone number" in bad.get_data(as_text=True)
    response = client_request.post(
        f"/admin/named-contacts/{bolton_contact.id}",
        {"email": "bea@bolton.example", "phone": "01204 333 333"},
        expected_redirect="/admin/named-contacts",
    )
    assert response.location == "/admin/named-contacts"

    [named] = entries_for(db_session, bolton_contact)
    page = client_request.get("/admin/named-contacts").get_data(as_text=True)
    assert "Bea Bolton is a named contact for Bolton" in page
    [event] = audit_events_for(db_session, named)
    assert event.action == "la_named_contact.started" and event.actor_id != bolton_contact.id

    confirmation = client_request.get(f"/admin/named-contacts/{named.id}/end").get_data(as_text=True)
    assert "End Bea Bolton as a named contact for Bolton?" in confirmation
    assert "Bolton will have no named contact" in confirmation
    client_request.post(
        f"/admin/named-contacts/{named.id}/end",
        form_url=f"/admin/named-contacts/{named.id}/end",
        expected_redirect="/admin/named-contacts",
    )
    db_session.refresh(named)
    assert named.ended_at is not None
    assert "Bea Bolton is no longer a named contact for Bolton" in client_request.get("/admin/named-contacts").get_data(
        as_text=True
    )
    # An entry already ended is not found.
    client_request.get(f"/admin/named-contacts/{named.id}/end", expected_status=404)
    client_request.post(
        f"/admin/named-contacts/{named.id}/end",
        expected_status=404,
        form_url=f"/admin/named-contacts/{bolton_contact.id}",
    )


def test_only_active_la_contact_users_can_be_named(client_request, db_session):
    client_request.login(create_user(db_session, Role.ADMIN))
    provider = create_user(db_session, Role.PROVIDER)
    deactivated = create_user(db_session, Role.LA_CONTACT, deactivated_at=utcnow())
    for user in (provider, deactivated):
        client_request.get(f"/admin/named-contacts/{user.id}", expected_status=404)
        client_request.post(
            f"/admin/named-contacts/{user.id}",
            {"email": "x@example.org", "phone": "01204 333 333"},
            expected_status=404,
            form_url="/admin/users/invite",
        )
    assert db_session.scalar(select(LocalAuthorityNamedContact.id)) is None
