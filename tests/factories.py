"""Plain factory functions: create_x(session, **overrides) adds, flushes and returns an x."""

from functools import cache
from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.access import Role
from covenant_portal.accounts.passwords import PasswordSettings, hash_password
from covenant_portal.db import utcnow

PASSWORD = "correct horse battery staple"
_sequence = count(1)


@cache
def _password_hash() -> str:
    return hash_password(PasswordSettings(profile="CHEAPEST"), PASSWORD)  # as tests/conftest.py configures


def local_authority(session: Session, name: str = "Bolton") -> LocalAuthority:
    return session.scalar(select(LocalAuthority).where(LocalAuthority.name == name))


def create_provider(session: Session, **overrides) -> ProviderOrganisation:
    n = next(_sequence)
    values = {"name": f"Provider {n} Ltd", "companies_house_number": f"{n:08d}"} | overrides
    provider = ProviderOrganisation(**values)
    session.add(provider)
    session.flush()
    return provider


def create_user(session: Session, role: Role = Role.PROVIDER, **overrides) -> User:
    n = next(_sequence)
    values = {
        "email": f"user{n}@example.org",
        "full_name": f"Test User {n}",
        "job_title": "Manager",
        "role": role,
        "password_hash": _password_hash(),
        "email_verified_at": utcnow(),
    } | overrides
    if role == Role.PROVIDER and "organisation" not in values and "organisation_id" not in values:
        values["organisation"] = create_provider(session)
        values.setdefault("is_organisation_admin", True)
    if role == Role.LA_CONTACT and "local_authority" not in values and "local_authority_id" not in values:
        values["local_authority"] = local_authority(session)
    user = User(**values)
    session.add(user)
    session.flush()
    return user
