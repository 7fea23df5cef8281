"""Queries behind the admin's user management pages (the rules themselves are in accounts)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation, User
from covenant_portal.access import Role
from covenant_portal.web.ids import parse_id


@dataclass(frozen=True)
class UserFilter:
    role: Role | None = None
    organisation_id: int | None = None
    local_authority_id: int | None = None

    @classmethod
    def from_strings(
        cls, role: str | None, organisation_id: str | None, local_authority_id: str | None
    ) -> "UserFilter":
        """Filters from a query string (an unknown role is refused by the form first); ids that
        mean nothing (a tampered URL) filter nothing."""
        return cls(
            role=Role(role) if role is not None and role in Role._value2member_map_ else None,
            organisation_id=parse_id(organisation_id),
            local_authority_id=parse_id(local_authority_id),
        )


def find_users(session: Session, user_filter: UserFilter) -> list[User]:
    query = (
        select(User)
        .options(selectinload(User.organisation), selectinload(User.local_authority))
        .order_by(User.full_name, User.id)
    )
    if user_filter.role is not None:
        query = query.where(User.role == user_filter.role)
    if user_filter.organisation_id is not None:
        query = query.where(User.organisation_id == user_filter.organisation_id)
    if user_filter.local_authority_id is not None:
        query = query.where(User.local_authority_id == user_filter.local_authority_id)
    return list(session.scalars(query))


def provider_organisations(session: Session) -> list[ProviderOrganisation]:
    query = select(ProviderOrganisation).order_by(ProviderOrganisation.name, ProviderOrganisation.id)
    return list(session.scalars(query))


def local_authorities(session: Session) -> list[LocalAuthority]:
    """The authorities LA contacts can belong to: the ten in Greater Manchester."""
    return list(
        session.scalars(
            select(LocalAuthority).where(LocalAuthority.is_greater_manchester.is_(True)).order_by(LocalAuthority.name)
        )
    )


def local_authority(session: Session, authority_id: str | None) -> LocalAuthority | None:
    if parse_id(authority_id) is None:
        return None
    authority = session.get(LocalAuthority, parse_id(authority_id))
    return authority if authority is not None and authority.is_greater_manchester else None
