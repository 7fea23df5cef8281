"""Each role's dashboard leads with what that person is asked to do next, each one link."""

import re
from datetime import timedelta

from covenant_portal.access import Role
from covenant_portal.audit.service import SYSTEM
from covenant_portal.covenant import service as covenant
from covenant_portal.db import utcnow
from covenant_portal.mail.links import Links
from covenant_portal.filters import london_day
from tests.covenant.helpers import create_named_contact, sign_current_version
from tests.factories import create_provider, create_user
from tests.homes.homes import create_home
from tests.page import text_of
from tests.returns.helpers import make_periods, period_of, signed_organisation

ACTION = re.compile(r'<li class="app-actions__item"><a class="govuk-link[^"]*" href="([^"]+)">([^<]+)</a>')


def actions_on(client_request) -> list[tuple[str, str]]:
    html = client_request.get("/dashboard").get_data(as_text=True)
    return [(text, href) for href, text in ACTION.findall(html)]


def test_a_new_organisation_admin_is_asked_to_name_a_contact_then_to_sign(client_request, db_session):
    admin = create_user(db_session, Role.PROVIDER)
    client_request.login(admin)
    assert actions_on(client_request) == [
        ("Sign the covenant", "/covenant/sign"),
        ("Name a contact for vacancies and referrals", "/contacts/new"),
    ]
    # The first says which comes first.
    first = client_request.get_page("/dashboard").select_one(".app-actions__item")
    assert "Name a contact for vacancies and referrals first: you need one to sign." in text_of(first)
    create_named_contact(db_session, admin.organisation)
    assert actions_on(client_request) == [("Sign the covenant", "/covenant/sign")]
    assert "first: you need one to sign" not in client_request.get_page("/dashboard").text


def test_a_colleague_is_told_who_their_organisation_admins_are(client_request, db_session):
    admin = create_user(db_session, Role.PROVIDER, full_name="Ada Admin")
    colleague = create_user(db_session, Role.PROVIDER, organisation=admin.organisation, is_organisation_admin=False)
    client_request.login(colleague)
    html = client_request.get("/dashboard").get_data(as_text=True)
    assert f"Provider user, {admin.organisation.name}" in html
    assert "Your organisation admin is Ada Admin" in html
    assert ("Version 1 of the covenant is waiting to be signed", "/covenant") in actions_on(client_request)
    assert "Your organisation admins can sign it: Ada Admin." in html


def test_the_organisation_admins_caption_says_so(client_request, db_session):
    admin = create_user(db_session, Role.PROVIDER)
    client_request.login(admin)
    assert f"Organisation admin, {admin.organisation.name}" in client_request.get("/dashboard").get_data(as_text=True)


def test_a_provider_owing_returns_is_told_how_late_each_is(client_request, db_session):
    signed = signed_organisation(db_session)
    create_named_contact(db_session, signed.organisation)
    make_periods(db_session)
    client_request.login(signed.user)
    today = london_day(utcnow())
    shown = [text for text, _href in actions_on(client_request)]
    for period in (period_of(db_session, 2026, 2), period_of(db_session, 2026, 1)):
        days = (today - period.due_on).days
        assert f"Your {period.label} return is {days} days late" in shown


def test_an_admin_is_told_which_authorities_have_no_named_contact(client_request, db_session):
    client_request.login(create_user(db_session, Role.ADMIN))
    [(text, href)] = [action for action in actions_on(client_request) if action[0].startswith("No named contact")]
    assert href == "/admin/named-contacts" and "Bolton" in text and "Wigan" in text


def test_an_la_contact_is_told_of_unsigned_providers_in_their_area_and_to_become_a_named_contact(
    client_request, db_session
):
    la = create_user(db_session, Role.LA_CONTACT)
    unsigned = create_provider(db_session, name="Unsigned Homes Ltd")
    create_home(db_session, unsigned)  # in Bolton, the LA contact's authority
    create_provider(db_session, name="Elsewhere Care Ltd")  # no home in Bolton
    client_request.login(la)
    shown = dict(actions_on(client_request))
    assert shown["1 provider with homes in Bolton has not signed version 1 of the covenant"] == "/signatories/all"
    assert shown["Bolton has no named contact: become it"] == "/la/named-contact"


def test_nothing_to_do_is_said_plainly(client_request, db_session):
    client_request.login(create_user(db_session, Role.ESCALATION_OFFICER))
    assert "Nothing needs doing now." in client_request.get("/dashboard").get_data(as_text=True)


def publish_version_2(app, db_session, published_at) -> None:
    wording = covenant.wording_of(covenant.current_version(db_session).document)
    wording.aims.append("Share what we learn")
    draft = covenant.draft_version(db_session, wording, create_user(db_session, Role.ADMIN), SYSTEM, utcnow())
    covenant.publish_version(db_session, Links.from_app(app), draft, SYSTEM, published_at)


def test_an_organisation_asked_to_sign_again_is_told_by_when(app, client_request, db_session):
    admin = create_user(db_session, Role.PROVIDER)
    create_named_contact(db_session, admin.organisation)
    sign_current_version(db_session, admin)
    publish_version_2(app, db_session, utcnow() - timedelta(weeks=1))
    client_request.login(admin)
    html = client_request.get("/dashboard").get_data(as_text=True)
    due = covenant.resigning_due_on(covenant.current_version(db_session), 8)
    assert ("Sign version 2 of the covenant", "/covenant/sign") in actions_on(client_request)
    assert f"You signed version 1. Sign this one by {due:%-d %B %Y} to stay on the register." in html


def test_an_organisation_past_its_re_signing_date_is_told_it_is_off_the_register(app, client_request, db_session):
    admin = create_user(db_session, Role.PROVIDER)
    create_named_contact(db_session, admin.organisation)
    sign_current_version(db_session, admin)
    publish_version_2(app, db_session, utcnow() - timedelta(weeks=9))
    client_request.login(admin)
    html = client_request.get("/dashboard").get_data(as_text=True)
    assert "Sign version 2 of the covenant" in html
    assert "Re-signing was due by" in html and "your organisation is not on the public register" in html
