from pathlib import Path

import pytest
import sqlalchemy as sa

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.access import Role
from covenant_portal.accounts.passwords import PasswordSettings, password_problem, verify_password
from covenant_portal.audit.models import AuditEvent
from covenant_portal.db import utcnow
from covenant_portal.demo import PASSWORDS, DemoSettings, seed_demo

pytestmark = pytest.mark.seeded_demo


def run_seed_demo(app) -> str:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def demo_users(db_session) -> list[User]:
    return list(db_session.scalars(sa.select(User).where(User.email.endswith("@demo.gm-first.example"))))


def snapshot(db_session) -> dict:
    return {
        "users": sorted(
            (user.email, user.password_hash, user.role, user.organisation_id, user.local_authority_id)
            for user in demo_users(db_session)
        ),
        "organisations": sorted(db_session.scalars(sa.select(ProviderOrganisation.name))),
        "audit events": db_session.scalar(sa.select(sa.func.count(AuditEvent.id))),
        "local authorities": db_session.scalar(sa.select(sa.func.count(LocalAuthority.id))),
    }


def test_seed_demo_gives_every_kind_of_user_an_active_account(app, db_session):
    run_seed_demo(app)
    users = demo_users(db_session)
    assert all(user.is_active for user in users)
    assert sum(user.role == Role.ADMIN for user in users) == 1
    assert sum(user.role == Role.ESCALATION_OFFICER for user in users) == 1
    greater_manchester = sa.select(LocalAuthority.id).where(LocalAuthority.is_greater_manchester)
    la_contacts = [user for user in users if user.role == Role.LA_CONTACT]
    assert {user.local_authority_id for user in la_contacts} == set(db_session.scalars(greater_manchester))
    providers = [user for user in users if user.role == Role.PROVIDER]
    organisations = {user.organisation_id for user in providers}
    assert len(organisations) >= 2
    for organisation_id in organisations:
        staff = [user for user in providers if user.organisation_id == organisation_id]
        assert sorted(user.is_organisation_admin for user in staff) == [False, True]


def test_seed_demo_prints_every_login_with_a_password_that_works(app, db_session):
    output = run_seed_demo(app)
    users = demo_users(db_session)
    for user in users:
        assert f"{user.email}  " in output and PASSWORDS[user.role] in output
    for role, password in PASSWORDS.items():
        assert all(
            verify_password(PasswordSettings.from_config(app.config), user.password_hash, password)
            for user in users
            if user.role == role
        )


def test_demo_passwords_meet_the_password_policy():
    assert [password_problem(password) for password in PASSWORDS.values()] == [None] * len(PASSWORDS)


def test_seeding_is_audited_as_the_system(app, db_session):
    run_seed_demo(app)
    events = list(db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "user.seeded")))
    assert {event.object_id for event in events} == {str(user.id) for user in demo_users(db_session)}
    assert {event.actor_id for event in events} == {None}


def test_seeding_twice_changes_nothing(app, db_session):
    # seed-demo's first run made the seeded demo (tests/seeded_demo.py); this is its second.
    before = snapshot(db_session)
    run_seed_demo(app)
    db_session.expire_all()
    assert snapshot(db_session) == before


def test_demo_accounts_can_sign_in(app, db_session, client_request):
    run_seed_demo(app)
    client_request.post(
        "/sign-in",
        {"email": "wigan.contact@demo.gm-first.example", "password": PASSWORDS[Role.LA_CONTACT]},
        expected_redirect="/dashboard",
    )
    assert "Wigan Contact" in client_request.get("/dashboard").get_data(as_text=True)


def test_the_readme_lists_every_demo_login(app, db_session):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for login in seed_demo(db_session, DemoSettings.from_app(app), utcnow()):
        assert f"| {login.email} | `{login.password}` | {login.description} |" in readme, login.email
