"""Who sees which organisations' quarterly returns: one statement per viewer, a WHERE clause on an
organisation id (`returns_visible_to`), used alike by every list (the compliance table and its CSV,
the dashboards' counts, the escalated returns) and every detail (a return, a signed version, an
evidence download), so a list never shows what its detail page would refuse, nor the other way.

- Escalation officers and admins: every organisation's returns.
- An LA contact: the returns of organisations with a home (whatever its status) in their LA
  (homes.service.organisations_with_a_home_in, as their list of homes), or whose latest signed
  return, of any period, reports children their LA placed.
- A provider user: their own organisation's.
- Anyone else: none.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, func, literal, select, true, union
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import User
from covenant_portal.access import Role
from covenant_portal.homes.service import organisations_with_a_home_in
from covenant_portal.returns.models import (
    GmPlacement,
    HomeOccupancy,
    QuarterlyReturn,
    ReturnPeriod,
    ReturnSubmission,
)

OVERSEERS = (Role.ESCALATION_OFFICER, Role.ADMIN)


def returns_visible_to(viewer: User, organisation_id) -> ColumnElement[bool]:
    """A WHERE clause, true for the organisations whose returns the viewer may see (organisation_id
    is a column such as QuarterlyReturn.organisation_id, or an id)."""
    if isinstance(organisation_id, int):
        organisation_id = literal(organisation_id)
    if viewer.role in OVERSEERS:
        return true()
    if viewer.role == Role.LA_CONTACT and viewer.local_authority_id is not None:
        return organisation_id.in_(overseen_by_authority(viewer.local_authority_id))
    if viewer.role == Role.PROVIDER and viewer.organisation_id is not None:
        return organisation_id == viewer.organisation_id
    return false()


def overseen_by_authority(local_authority_id: int) -> Select:
    """A SELECT of the ids of the organisations whose returns an LA's contacts may see: those with a
    home in the LA (any status), and those whose latest signed return has children the LA placed."""
    latest = latest_submission_ids().subquery()
    placing = (
        select(latest.c.organisation_id)
        .join(HomeOccupancy, HomeOccupancy.submission_id == latest.c.submission_id)
        .join(GmPlacement, GmPlacement.occupancy_id == HomeOccupancy.id)
        .where(GmPlacement.local_authority_id == local_authority_id)
    )
    return select(union(organisations_with_a_home_in(local_authority_id), placing).subquery().c[0])


def latest_submission_ids() -> Select:
    """A SELECT of (organisation_id, submission_id): each organisation's latest signed return — the
    newest version of the return of the latest period it has signed one for."""
    ranked = (
        select(
            QuarterlyReturn.organisation_id.label("organisation_id"),
            ReturnSubmission.id.label("submission_id"),
            func.row_number()
            .over(
                partition_by=QuarterlyReturn.organisation_id,
                order_by=(ReturnPeriod.starts_on.desc(), ReturnSubmission.version.desc()),
            )
            .label("rank"),
        )
        .join(ReturnSubmission, ReturnSubmission.return_id == QuarterlyReturn.id)
        .join(ReturnPeriod, ReturnPeriod.id == QuarterlyReturn.period_id)
        .subquery()
    )
    return select(ranked.c.organisation_id, ranked.c.submission_id).where(ranked.c.rank == 1)


# Details


def may_see_organisation(session: Session, user: User, organisation_id: int) -> bool:
    """Whether the user may see the organisation's returns."""
    return bool(session.scalar(select(returns_visible_to(user, organisation_id))))


def return_for_viewer(session: Session, user: User, return_id: int) -> QuarterlyReturn | None:
    """The return if the user may see it, else None (to be answered as not found, like a return that
    does not exist)."""
    return session.scalar(
        select(QuarterlyReturn).where(
            QuarterlyReturn.id == return_id, returns_visible_to(user, QuarterlyReturn.organisation_id)
        )
    )


# Lists


@dataclass(frozen=True)
class Scope:
    """The organisations whose returns an overseer oversees, for the lists: `where(column)`."""

    viewer: User

    def where(self, organisation_id) -> ColumnElement[bool]:
        return returns_visible_to(self.viewer, organisation_id)


def scope_for(user: User) -> Scope:
    """The lists' scope for an LA contact, an escalation officer or an admin (providers oversee none)."""
    if user.role in OVERSEERS or (user.role == Role.LA_CONTACT and user.local_authority_id is not None):
        return Scope(user)
    raise ValueError(f"a {user.role} oversees no returns")


def in_scope(scope: Scope | None, organisation_id) -> ColumnElement[bool]:
    """A WHERE clause for a list: the scope's organisations, or every one if scope is None."""
    return true() if scope is None else scope.where(organisation_id)
