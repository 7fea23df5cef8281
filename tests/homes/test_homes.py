"""Providers record their homes and services; their colleagues read them; others cannot find them."""

import pytest
from sqlalchemy import select

from covenant_portal.accounts.models import LocalAuthority
from covenant_portal.access import Role
from covenant_portal.homes.models import HomeStatus, HomeType, ProviderHome
from tests.factories import create_provider, create_user, local_authority
from tests.homes.homes import audit_events_for, create_home, home_form
from tests.page import Page, text_of


@pytest.fixture
def provider_admin(db_session):
    return create_user(db_session, Role.PROVIDER, full_name="Olu Admin")


def test_an_organisation_admin_adds_a_home_and_sees_it_listed(client_request, db_session, provider_admin):
    client_request.login(provider_admin)
    assert "You have not added any homes" in client_request.get("/homes").get_data(as_text=True)
    form_page = client_request.get("/homes/new").get_data(as_text=True)
    assert "Do not enter any information about children" in form_page
    assert "The home’s URN, as on its Ofsted registration: SC and 6 digits, like SC123456, or 7 digits" in form_page
    assert "approved fostering places" in form_page

    response = client_request.post(
        "/homes/new", home_form(db_session, ofsted_urn="sc 123 456"), expected_redirect="homes.home"
    )

    home = db_session.scalar(select(ProviderHome).where(ProviderHome.organisation_id == provider_admin.organisation_id))
    assert response.location == f"/homes/{home.id}"
    assert (home.name, home.host_local_authority.name, home.ofsted_urn, home.home_type) == (
        "Oak House",
        "Wigan",
        "SC123456",
        HomeType.CHILDRENS_HOME,
    )
    assert (home.registered_places, home.age_from, home.age_to, home.status) == (4, 10, 17, HomeStatus.OPEN)
    assert home.needs == ["emotional_behavioural", "child_exploitation"]
    detail = client_request.get(response.location).get_data(as_text=True)
    for shown in (
        "Oak House has been added",
        "Wigan",
        "SC123456",
        "Children’s home",
        "10 to 17",
        "Emotional and behavioural difficulties",
        "Risk of exploitation",
        "Open",
        "Change this home",
    ):
        assert shown in detail, shown
    listing = client_request.get("/homes").get_data(as_text=True)
    assert "Oak House" in listing and "1 home or service" in listing
    [event] = audit_events_for(db_session, home)
    assert (event.action, event.actor_id) == ("home.added", provider_admin.id)


def test_a_home_with_mistakes_is_shown_again_with_what_was_typed(client_request, db_session, provider_admin):
    client_request.login(provider_admin)
    typed = home_form(
        db_session,
        name="",
        ofsted_urn="AB12",
        registered_places="four",
        age_from="16",
        age_to="12",
        home_type="",
        status="",
    )
    response = client_request.post("/homes/new", typed, expected_status=400)
    page = response.get_data(as_text=True)
    for message in (
        "Enter the name of the home or service",
        "Ofsted URN must be SC and 6 digits, like SC123456, or 7 digits, like 1234567",
        "Select the type of home or service",
        "Registered places must be a whole number, like 4",
        "Oldest age must be the same as or more than the youngest age",
        "Select whether the home is open, planned or closed",
    ):
        assert message in page, message
    assert 'value="AB12"' in page and 'value="four"' in page and 'value="16"' in page and 'value="12"' in page
    assert db_session.scalar(select(ProviderHome.id)) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("registered_places", "-1", "Registered places must be 0 or more"),
        ("registered_places", "10000", "Registered places must be 9,999 or fewer"),
        ("registered_places", "", "Enter the number of registered places"),
        ("age_from", "2.5", "Youngest age must be a whole number, like 8"),
        ("age_to", "26", "Oldest age must be 25 or fewer"),
        ("age_from", "", "Enter the youngest age"),
        ("host_local_authority", "", "Select the local authority the home is in"),
        ("host_local_authority", "999999", "Select the local authority the home is in"),
        ("needs", ["flying"], "Select only needs from the list"),
        ("ofsted_urn", "SC12345", "Ofsted URN must be SC and 6 digits"),
    ],
)
def test_each_rule_of_the_home_form(client_request, db_session, provider_admin, field, value, message):
    client_request.login(provider_admin)
    response = client_request.post("/homes/new", home_form(db_session, **{field: value}), expected_status=400)
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("urn", ["SC123456", "1234567", ""])
def test_ofsted_urns_in_either_format_or_none_are_accepted(client_request, db_session, provider_admin, urn):
    client_request.login(provider_admin)
    client_request.post("/homes/new", home_form(db_session, ofsted_urn=urn), expected_redirect="homes.home")
    assert db_session.scalar(select(ProviderHome.ofsted_urn)) == (urn or None)


def test_a_fostering_agency_counts_its_approved_places(client_request, db_session, provider_admin):
    client_request.login(provider_admin)
    response = client_request.post(
        "/homes/new",
        home_form(
            db_session,
            name="Pennine Fostering",
            home_type="fostering_agency",
            registered_places="35",
            age_from="0",
            age_to="18",
            needs=[],
        ),
        expected_redirect="homes.home",
    )
    detail = client_request.get(response.location).get_data(as_text=True)
    assert "Approved fostering places" in detail and "35" in detail and "None recorded" in detail


def test_greater_manchester_authorities_are_offered_first(client_request, db_session, provider_admin):
    db_session.add(LocalAuthority(ons_code="E06000049", name="Cheshire East", council="Cheshire East Council"))
    db_session.flush()
    client_request.login(provider_admin)
    page = client_request.get("/homes/new").get_data(as_text=True)
    assert page.index(">Wigan<") < page.index(">Cheshire East<")
    assert page.index(">Bolton<") < page.index(">Wigan<")


def test_changing_a_home_keeps_what_did_not_change(client_request, db_session, provider_admin):
    home = create_home(db_session, provider_admin.organisation, name="Elm House", needs=["disabilities"])
    client_request.login(provider_admin)
    form_page = client_request.get(f"/homes/{home.id}/edit").get_data(as_text=True)
    assert 'value="Elm House"' in form_page and 'value="disabilities" checked' in form_page

    bury = local_authority(db_session, "Bury")
    changed = {
        "name": "Elm House",
        "host_local_authority": str(bury.id),
        "ofsted_urn": "",
        "home_type": "childrens_home",
        "registered_places": "3",
        "age_from": "8",
        "age_to": "17",
        "needs": ["disabilities", "learning_disabilities"],
        "status": "planned",
    }
    response = client_request.post(f"/homes/{home.id}/edit", changed, expected_redirect="homes.home")
    assert response.location == f"/homes/{home.id}"
    assert "Elm House has been updated" in client_request.get(response.location).get_data(as_text=True)
    db_session.refresh(home)
    assert (home.host_local_authority_id, home.registered_places, home.status) == (bury.id, 3, HomeStatus.PLANNED)
    assert home.needs == ["disabilities", "learning_disabilities"]
    event = audit_events_for(db_session, home)[-1]
    assert event.action == "home.changed"
    assert event.details["changed"] == ["host_local_authority_id", "registered_places", "needs", "status"]

    client_request.post(f"/homes/{home.id}/edit", changed, expected_redirect="homes.home")
    assert "Nothing was changed" in client_request.get(f"/homes/{home.id}").get_data(as_text=True)
    assert len(audit_events_for(db_session, home)) == 1


def test_a_change_with_mistakes_keeps_what_was_typed(client_request, db_session, provider_admin):
    home = create_home(db_session, provider_admin.organisation, name="Elm House")
    client_request.login(provider_admin)
    typed = home_form(db_session, name="Elm House renamed", age_from="30")
    page = client_request.post(f"/homes/{home.id}/edit", typed, expected_status=400).get_data(as_text=True)
    assert "Youngest age must be 25 or fewer" in page and 'value="Elm House renamed"' in page
    db_session.refresh(home)
    assert home.name == "Elm House"


def test_another_organisations_home_is_not_found(client_request, db_session, provider_admin):
    elsewhere = create_home(db_session, create_provider(db_session), name="Not Yours")
    client_request.login(provider_admin)
    client_request.get(f"/homes/{elsewhere.id}", expected_status=404)
    client_request.get(f"/homes/{elsewhere.id}/edit", expected_status=404)
    client_request.post(
        f"/homes/{elsewhere.id}/edit", home_form(db_session), expected_status=404, form_url="/homes/new"
    )
    assert "Not Yours" not in client_request.get("/homes").get_data(as_text=True)
    db_session.refresh(elsewhere)
    assert elsewhere.name == "Not Yours"


def test_colleagues_who_are_not_organisation_admins_can_only_read(client_request, db_session, provider_admin):
    home = create_home(db_session, provider_admin.organisation, name="Birch House")
    colleague = create_user(
        db_session, Role.PROVIDER, organisation=provider_admin.organisation, is_organisation_admin=False
    )
    client_request.login(colleague)
    listing = client_request.get("/homes").get_data(as_text=True)
    assert "Birch House" in listing and "Add a home" not in listing
    assert "Only your organisation admins can add or change homes" in listing
    assert "Change this home" not in client_request.get(f"/homes/{home.id}").get_data(as_text=True)
    client_request.get("/homes/new", expected_status=403)
    client_request.get(f"/homes/{home.id}/edit", expected_status=403)
    assert client_request.client.post("/homes/new", data=home_form(db_session)).status_code == 403
    edit = client_request.client.post(f"/homes/{home.id}/edit", data=home_form(db_session, name="Renamed"))
    assert edit.status_code == 403
    db_session.refresh(home)
    assert home.name == "Birch House"


def test_la_contacts_see_the_homes_hosted_in_their_area(client_request, db_session):
    bolton, bury = local_authority(db_session, "Bolton"), local_authority(db_session, "Bury")
    first = create_user(db_session, Role.PROVIDER).organisation
    second = create_user(db_session, Role.PROVIDER).organisation
    create_home(db_session, first, name="Ash Lodge", host_local_authority=bolton, ofsted_urn="SC654321")
    create_home(
        db_session,
        second,
        name="Fir Cottage",
        host_local_authority=bolton,
        status=HomeStatus.PLANNED,
        home_type=HomeType.SUPPORTED_ACCOMMODATION,
        registered_places=6,
    )
    create_home(db_session, first, name="Over The Border", host_local_authority=bury)
    client_request.login(create_user(db_session, Role.LA_CONTACT, local_authority=bolton))

    page = client_request.get("/la/homes").get_data(as_text=True)
    assert "Homes in Bolton" in page and "2 homes and services" in page
    for shown in (
        "Ash Lodge",
        first.name,
        "SC654321",
        "Fir Cottage",
        second.name,
        "Supported accommodation for 16 and 17 year olds",
        "Planned",
    ):
        assert shown in page, shown
    assert "Over The Border" not in page
    assert 'href="/la/homes"' in client_request.get("/dashboard").get_data(as_text=True)


def test_a_page_opened_before_a_colleague_changed_the_home_does_not_undo_their_change(
    client_request, another_browser, db_session, provider_admin
):
    """Two organisation admins, or two tabs: the later save is shown beside the home as it now is."""
    home = create_home(db_session, provider_admin.organisation, name="Elm House", registered_places=4)
    other_admin = create_user(
        db_session, Role.PROVIDER, organisation=provider_admin.organisation, is_organisation_admin=True
    )
    client_request.login(provider_admin)
    another_browser.login(other_admin)
    mine = Page(client_request.get(f"/homes/{home.id}/edit").get_data(as_text=True))
    shown = {name: mine.value_of(name) for name in ("csrf_token", "seen")}
    another_browser.post(
        f"/homes/{home.id}/edit",
        home_form(db_session, name="Elm House", status="closed"),
        expected_redirect="homes.home",
    )

    typed = home_form(db_session, name="Elm House", registered_places="5")
    response = client_request.client.post(f"/homes/{home.id}/edit", data={**shown, **typed})

    assert response.status_code == 409
    page = Page(response.get_data(as_text=True))
    # The one stale-tab page's words (web/stale.py), for every area: they were "Your changes have not been
    # saved: someone changed this home after you opened this page."
    assert "This home was changed by someone else while you had it open. Nothing was saved." in page.text
    assert page.select_one("#changed-meanwhile a")["href"] == f"/homes/{home.id}/edit"
    assert "Closed" in text_of(page.select_one("#home-now"))
    assert page.value_of("registered_places") == "5"
    db_session.refresh(home)
    assert (home.status, home.registered_places) == (HomeStatus.CLOSED, 4)

    # Saving again from that page replaces theirs, knowingly.
    again = {**typed, "csrf_token": page.value_of("csrf_token"), "seen": page.value_of("seen")}
    assert client_request.client.post(f"/homes/{home.id}/edit", data=again).status_code == 302
    db_session.refresh(home)
    assert (home.status, home.registered_places) == (HomeStatus.OPEN, 5)
