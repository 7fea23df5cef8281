"""Who is party to a concern: the side a user speaks for, whether a concern is about or was raised
by their side, said once for one concern (is_about, is_raiser) and once in SQL for lists of them
(party_clause), both from the same per-side columns."""

from sqlalchemy import ColumnElement, and_, false, or_

from covenant_portal.access import Role
from covenant_portal.accounts.models import User
from covenant_portal.concerns.models import Concern, Side


def side_of(user: User) -> Side | None:
    if user.role is Role.PROVIDER:
        return Side.PROVIDER
    if user.role is Role.LA_CONTACT:
        return Side.LOCAL_AUTHORITY
    return None


def is_officer(user: User) -> bool:
    return user.role is Role.ESCALATION_OFFICER


# Where a concern keeps the id of the party it is about, and of the party that raised it, by side:
# read from a concern by is_about and is_raiser, and put in SQL by party_clause, so the rule is said once.
_ABOUT_ID = {Side.PROVIDER: "about_organisation_id", Side.LOCAL_AUTHORITY: "about_local_authority_id"}
_RAISER_ID = {Side.PROVIDER: "raised_for_organisation_id", Side.LOCAL_AUTHORITY: "raised_for_local_authority_id"}


def party_of(user: User) -> tuple[Side, int] | None:
    """The side a user speaks for and the id of their organisation or council on it, if any."""
    side = side_of(user)
    party_id = user.organisation_id if side is Side.PROVIDER else user.local_authority_id
    return (side, party_id) if side is not None and party_id is not None else None


def party_name(user: User) -> str | None:
    """The name of the organisation or council whose concerns the user sees (None for an officer)."""
    if side_of(user) is Side.PROVIDER:
        return user.organisation.name if user.organisation is not None else None
    if side_of(user) is Side.LOCAL_AUTHORITY:
        return user.local_authority.name if user.local_authority is not None else None
    return None


def is_about(concern: Concern, user: User) -> bool:
    """True if the user belongs to the party the concern is about."""
    party = party_of(user)
    return party is not None and concern.about_side is party[0] and getattr(concern, _ABOUT_ID[party[0]]) == party[1]


def is_raiser(concern: Concern, user: User) -> bool:
    """True if the user belongs to the party that raised it (an officer logs for anyone, and raises none)."""
    party = party_of(user)
    return (
        party is not None and concern.raised_by_side is party[0] and getattr(concern, _RAISER_ID[party[0]]) == party[1]
    )


def party_clause(user: User) -> ColumnElement[bool]:
    """SQL for is_about(concern, user) or is_raiser(concern, user): the concerns the user's side is party to."""
    party = party_of(user)
    if party is None:
        return false()
    side, party_id = party
    return or_(
        and_(Concern.about_side == side, getattr(Concern, _ABOUT_ID[side]) == party_id),
        and_(Concern.raised_by_side == side, getattr(Concern, _RAISER_ID[side]) == party_id),
    )


def may_see(concern: Concern, user: User) -> bool:
    return is_officer(user) or is_about(concern, user) or is_raiser(concern, user)
