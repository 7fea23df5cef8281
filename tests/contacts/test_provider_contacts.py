"""Providers name their contacts for vacancies and referrals (pledge 2); every change keeps history."""

import pytest
from sqlalchemy import select

from covenant_portal.access import Role
from covenant_portal.contacts.models import ProviderContact
from covenant_portal.contacts.service import current_contacts
from covenant_portal.db import utcnow
from tests.conftest import csrf_token_in
from tests.page import Page, text_of
from tests.contacts.contacts import contact_form, create_contact
from tests.factories import create_provider, create_user
from tests.homes.homes import audit_events_for, create_home


@pytest.fixture
def provider_admin(db_session):
    return create_user(db_session, Role.PROVIDER, full_name="Olu Admin")


def contacts_of(db_session, organisation) -> list[ProviderContact]:
    query = select(ProviderContact).where(ProviderContact.organisation_id == organisation.id)
    return list(db_session.scalars(query.order_by(ProviderContact.id)))


def test_an_organisation_admin_names_a_contact_for_some_homes(client_request, db_session, provider_admin):
    oak = create_home(db_session, provider_admin.organisation, name="Oak House")
    create_home(db_session, provider_admin.organisation, name="Elm House")
    client_request.login(provider_admin)
    empty = client_request.get("/contacts").get_data(as_text=True)
    assert "Your organisation has no named contact" in empty
    assert "Oak House" in client_request.get("/contacts/new").get_data(as_text=True)

    response = client_request.post("/contacts/new", contact_form(homes=[str(oak.id)]), expected_redirect="/contacts")

    assert response.location == "/contacts"
    [contact] = contacts_of(db_session, provider_admin.organisation)
    assert (contact.name, contact.role, contact.email, contact.phone) == (
        "Priya Shah",
        "Placements lead",
        "priya@provider.example",
        "07700 900 982",
    )
    assert [home.name for home in contact.homes] == ["Oak House"]
    assert contact.created_by_id == provider_admin.id
    page = client_request.get("/contacts").get_data(as_text=True)
    assert "Priya Shah is now a named contact" in page and "no named contact" not in page
    assert 'href="mailto:priya@provider.example"' in page and 'href="tel:+447700900982"' in page
    assert "Oak House" in page and "Elm House" not in page
    [event] = audit_events_for(db_session, contact)
    assert (event.action, event.actor_id) == ("contact.added", provider_admin.id)


def test_a_contact_who_covers_no_particular_home_covers_all_homes(client_request, db_session, provider_admin):
    client_request.login(provider_admin)
    form_page = client_request.get("/contacts/new").get_data(as_text=True)
    assert "You have not added any homes yet" in form_page
    client_request.post("/contacts/new", contact_form(), expected_redirect="/contacts")
    assert "All homes" in client_request.get("/contacts").get_data(as_text=True)


def test_a_contact_with_mistakes_is_shown_again_with_what_was_typed(client_request, db_session, provider_admin):
    client_request.login(provider_admin)
    typed = contact_form(name="", role="", email="priya-at-provider", phone="12345")
    page = client_request.post("/contacts/new", typed, expected_status=400).get_data(as_text=True)
    for message in (
        "Enter the contact’s full name",
        "Enter the contact’s role",
        "Enter an email address in the correct format, like name@example.com",
        "Enter a UK telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
    ):
        assert message in page, message
    assert 'value="priya-at-provider"' in page and 'value="12345"' in page
    assert contacts_of(db_session, provider_admin.organisation) == []


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "Enter a telephone number"),
        ("+33 1 23 45 67 89", "Enter a UK telephone number"),
        ("0161 496", "Enter a UK telephone number"),
        ("0161 496 0000 0000", "Enter a UK telephone number"),
        ("call me", "Enter a UK telephone number"),
        ("0" * 41, "Telephone number must be 40 characters or fewer"),
    ],
)
def test_phone_numbers_must_be_uk_numbers(client_request, db_session, provider_admin, phone, message):
    client_request.login(provider_admin)
    page = client_request.post("/contacts/new", contact_form(phone=phone), expected_status=400).get_data(as_text=True)
    assert message in page


def test_only_the_organisations_own_homes_can_be_chosen(client_request, db_session, provider_admin):
    not_ours = create_home(db_session, create_provider(db_session), name="Not Ours")
    client_request.login(provider_admin)
    page = client_request.post("/contacts/new", contact_form(homes=[str(not_ours.id)]), expected_status=400).get_data(
        as_text=True
    )
    assert "Select only your organisation’s homes" in page and "Not Ours" not in page


def test_changing_a_contact_keeps_the_old_version_in_the_history(client_request, db_session, provider_admin):
    oak = create_home(db_session, provider_admin.organisation, name="Oak House")
    original = create_contact(db_session, provider_admin.organisation, name="Sam Referrals", created_by_id=None)
    client_request.login(provider_admin)
    form_page = client_request.get(f"/contacts/{original.id}/edit").get_data(as_text=True)
    assert 'value="Sam Referrals"' in form_page and 'value="0161 496 0000"' in form_page

    changed = contact_form(
        name="Sam Referrals",
        role="Head of referrals",
        email="sam@provider.example",
        phone="+44 (0)161  496 0001",
        homes=[str(oak.id)],
    )
    client_request.post(f"/contacts/{original.id}/edit", changed, expected_redirect="/contacts")

    old, new = contacts_of(db_session, provider_admin.organisation)
    assert old.id == original.id and old.retired_at is not None and old.role == "Referrals manager"
    assert (new.replaces_id, new.retired_at, new.role, new.phone) == (
        old.id,
        None,
        "Head of referrals",
        "+44 (0)161 496 0001",
    )
    assert [home.name for home in new.homes] == ["Oak House"]
    assert current_contacts(db_session, provider_admin.organisation_id) == [new]
    [event] = audit_events_for(db_session, new)
    assert event.action == "contact.changed"
    assert event.details == {
        "organisation_id": provider_admin.organisation_id,
        "replaces_id": old.id,
        "changed": ["role", "phone", "home_ids"],
    }

    history = client_request.get("/contacts/history").get_data(as_text=True)
    assert "2 versions" in history
    assert "Head of referrals" in history and "Referrals manager" in history
    assert "Changed" in history and "by Olu Admin" in history and "Current" in history
    # The old version is history: its page leads to the version in force (a bookmark, the back button).
    client_request.get(f"/contacts/{old.id}/edit", expected_status=302, expected_redirect=f"/contacts/{new.id}/edit")
    client_request.get(f"/contacts/{old.id}/remove", expected_status=404)


def test_saving_a_contact_unchanged_adds_no_version(client_request, db_session, provider_admin):
    contact = create_contact(db_session, provider_admin.organisation)
    client_request.login(provider_admin)
    same = contact_form(name=contact.name, role=contact.role, email=contact.email, phone=contact.phone)
    client_request.post(f"/contacts/{contact.id}/edit", same, expected_redirect="/contacts")
    assert "Nothing was changed" in client_request.get("/contacts").get_data(as_text=True)
    assert contacts_of(db_session, provider_admin.organisation) == [contact]
    assert contact.retired_at is None


def test_a_change_with_mistakes_keeps_what_was_typed(client_request, db_session, provider_admin):
    contact = create_contact(db_session, provider_admin.organisation)
    client_request.login(provider_admin)
    typed = contact_form(name="Sam Renamed", phone="not a number")
    page = client_request.post(f"/contacts/{contact.id}/edit", typed, expected_status=400).get_data(as_text=True)
    assert 'value="Sam Renamed"' in page and 'value="not a number"' in page
    assert contacts_of(db_session, provider_admin.organisation) == [contact]


def test_removing_the_last_contact_is_allowed_but_pledge_two_then_warns(client_request, db_session, provider_admin):
    contact = create_contact(db_session, provider_admin.organisation, name="Sam Referrals")
    client_request.login(provider_admin)
    confirmation = client_request.get(f"/contacts/{contact.id}/remove").get_data(as_text=True)
    assert "Remove Sam Referrals as a named contact?" in confirmation
    assert "will have no named contact. Pledge 2 asks you to name at least one" in confirmation
    db_session.refresh(contact)
    assert contact.retired_at is None  # nothing happens until it is confirmed
    client_request.post(
        f"/contacts/{contact.id}/remove", form_url=f"/contacts/{contact.id}/remove", expected_redirect="/contacts"
    )

    db_session.refresh(contact)
    assert contact.retired_at is not None
    page = client_request.get("/contacts").get_data(as_text=True)
    assert "Sam Referrals is no longer a named contact" in page
    assert "Your organisation now has no named contact" in page
    assert "Your organisation has no named contact" in client_request.get("/dashboard").get_data(as_text=True)
    history = client_request.get("/contacts/history").get_data(as_text=True)
    assert "Sam Referrals" in history and "Removed" in history and "by Olu Admin" in history
    assert [event.action for event in audit_events_for(db_session, contact)] == ["contact.removed"]
    client_request.post(f"/contacts/{contact.id}/remove", expected_status=404, form_url="/contacts/new")


def test_the_dashboard_names_the_current_contacts(client_request, db_session, provider_admin):
    create_contact(db_session, provider_admin.organisation, name="Sam Referrals")
    client_request.login(provider_admin)
    dashboard = client_request.get("/dashboard").get_data(as_text=True)
    assert "Local authorities contact Sam Referrals" in dashboard and "no named contact" not in dashboard


def test_another_organisations_contacts_are_not_found(client_request, db_session, provider_admin):
    theirs = create_contact(db_session, create_provider(db_session), name="Not Yours")
    client_request.login(provider_admin)
    assert "Not Yours" not in client_request.get("/contacts").get_data(as_text=True)
    assert "Not Yours" not in client_request.get("/contacts/history").get_data(as_text=True)
    client_request.get(f"/contacts/{theirs.id}/edit", expected_status=404)
    client_request.post(f"/contacts/{theirs.id}/edit", contact_form(), expected_status=404, form_url="/contacts/new")
    client_request.get(f"/contacts/{theirs.id}/remove", expected_status=404)
    client_request.post(f"/contacts/{theirs.id}/remove", expected_status=404, form_url="/contacts/new")
    db_session.refresh(theirs)
    assert theirs.retired_at is None


def test_colleagues_who_are_not_organisation_admins_can_only_read(client_request, db_session, provider_admin):
    contact = create_contact(db_session, provider_admin.organisation, name="Sam Referrals")
    colleague = create_user(
        db_session, Role.PROVIDER, organisation=provider_admin.organisation, is_organisation_admin=False
    )
    client_request.login(colleague)
    page = client_request.get("/contacts").get_data(as_text=True)
    assert "Sam Referrals" in page and "Only your organisation admins can add, change or remove contacts" in page
    assert "Add a named contact" not in page and "Remove Sam Referrals" not in page
    assert "Sam Referrals" in client_request.get("/contacts/history").get_data(as_text=True)
    client_request.get("/contacts/new", expected_status=403)
    client_request.get(f"/contacts/{contact.id}/edit", expected_status=403)
    # Refused before the form (or its CSRF token) is even looked at.
    for url in ("/contacts/new", f"/contacts/{contact.id}/edit", f"/contacts/{contact.id}/remove"):
        assert client_request.client.post(url, data=contact_form()).status_code == 403, url
    assert contacts_of(db_session, provider_admin.organisation) == [contact]
    assert contact.retired_at is None


def test_a_page_opened_before_a_colleague_changed_the_contact_keeps_what_was_typed(
    client_request, another_browser, db_session, provider_admin
):
    """Two organisation admins, or two tabs: the second save is not lost in a 404, and does not quietly
    undo the first; it is shown beside the first, to save again knowingly."""
    original = create_contact(db_session, provider_admin.organisation, name="Sam Referrals", created_by_id=None)
    other_admin = create_user(
        db_session,
        Role.PROVIDER,
        organisation=provider_admin.organisation,
        full_name="Bo Admin",
        is_organisation_admin=True,
    )
    client_request.login(provider_admin)
    another_browser.login(other_admin)
    mine = client_request.get(f"/contacts/{original.id}/edit")  # opened, not yet saved
    another_browser.post(
        f"/contacts/{original.id}/edit",
        contact_form(
            name="Sam Referrals", role="Head of referrals", email="sam@provider.example", phone="0161 496 0000"
        ),
        expected_redirect="/contacts",
    )
    theirs = current_contacts(db_session, provider_admin.organisation_id)[0]

    # An old bookmark, or the back button, opens the contact as it is now.
    client_request.get(
        f"/contacts/{original.id}/edit", expected_status=302, expected_redirect=f"/contacts/{theirs.id}/edit"
    )
    typed = contact_form(
        name="Sam Referrals", role="Referrals manager", email="sam@provider.example", phone="0161 496 0999"
    )
    response = client_request.client.post(
        f"/contacts/{original.id}/edit", data={"csrf_token": csrf_token_in(mine.get_data(as_text=True)), **typed}
    )

    assert response.status_code == 409
    page = Page(response.get_data(as_text=True))
    # The one stale-tab page's words (web/stale.py); they were "Your changes have not been saved: Bo Admin
    # changed these details after you opened this page."
    assert "This named contact was changed by Bo Admin while you had it open. Nothing was saved." in page.text
    assert "Head of referrals" in text_of(page.select_one("#saved-by-colleague"))
    assert page.value_of("phone") == "0161 496 0999" and page.value_of("role") == "Referrals manager"
    assert page.select_one("main form")["action"] == f"/contacts/{theirs.id}/edit"
    assert current_contacts(db_session, provider_admin.organisation_id) == [theirs]

    # In two tabs of one person's, it was they who saved first.
    own_tab = client_request.get(f"/contacts/{theirs.id}/edit").get_data(as_text=True)
    client_request.post(
        f"/contacts/{theirs.id}/edit", contact_form(name="Sam Referrals", role="Lead"), expected_redirect="/contacts"
    )
    again = client_request.client.post(
        f"/contacts/{theirs.id}/edit", data={"csrf_token": csrf_token_in(own_tab), **typed}
    )
    assert again.status_code == 409
    assert (
        "This named contact was changed by you (in another tab) while you had it open."
        in Page(again.get_data(as_text=True)).text
    )
    theirs = current_contacts(db_session, provider_admin.organisation_id)[0]

    # Saving again replaces theirs, knowingly.
    client_request.post(f"/contacts/{theirs.id}/edit", typed, expected_redirect="/contacts")
    [now] = current_contacts(db_session, provider_admin.organisation_id)
    assert (now.replaces_id, now.role, now.phone) == (theirs.id, "Referrals manager", "0161 496 0999")


def test_a_page_opened_before_the_contact_was_removed_says_so(client_request, db_session, provider_admin):
    contact = create_contact(db_session, provider_admin.organisation, name="Sam Referrals")
    client_request.login(provider_admin)
    page = client_request.get(f"/contacts/{contact.id}/edit").get_data(as_text=True)
    client_request.post(f"/contacts/{contact.id}/remove", expected_redirect="/contacts")

    response = client_request.client.post(
        f"/contacts/{contact.id}/edit", data={"csrf_token": csrf_token_in(page), **contact_form()}
    )

    assert response.status_code == 302 and response.location == "/contacts"
    shown = client_request.get("/contacts").page
    assert "Sam Referrals was removed as a named contact after you opened the page: nothing was changed." in shown.text
    assert current_contacts(db_session, provider_admin.organisation_id) == []
    client_request.get(f"/contacts/{contact.id}/edit", expected_status=404)


def test_another_organisations_past_contacts_are_not_found_either(client_request, db_session, provider_admin):
    theirs = create_contact(db_session, create_provider(db_session), name="Not Yours", retired_at=utcnow())
    create_contact(db_session, theirs.organisation, name="Not Yours", replaces_id=theirs.id)
    client_request.login(provider_admin)
    client_request.get(f"/contacts/{theirs.id}/edit", expected_status=404)
    client_request.post(f"/contacts/{theirs.id}/edit", contact_form(), expected_status=404, form_url="/contacts/new")


def test_after_naming_a_contact_an_admin_who_has_not_signed_is_led_on_to_sign(
    client_request, db_session, provider_admin
):
    """The covenant's "Name a contact before you sign" sends admins here: the next step is linked."""
    from tests.covenant.helpers import sign_current_version

    client_request.login(provider_admin)
    assert client_request.get_page("/contacts").soup.select_one("#sign-next") is None
    client_request.post("/contacts/new", contact_form(), expected_redirect="/contacts")
    page = client_request.get_page("/contacts")
    sign_next = page.select_one("#sign-next")
    assert "has a named contact now, so you can sign the covenant" in text_of(sign_next)
    assert sign_next.select_one("a")["href"] == "/covenant/sign"
    sign_current_version(db_session, provider_admin)
    assert client_request.get_page("/contacts").soup.select_one("#sign-next") is None
    colleague = create_user(
        db_session, Role.PROVIDER, organisation=provider_admin.organisation, is_organisation_admin=False
    )
    client_request.login(colleague)
    assert client_request.get_page("/contacts").soup.select_one("#sign-next") is None
