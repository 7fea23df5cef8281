"""Provider homes and services: recording them, and the queries other areas count them with.

Homes are named, never their children: nothing here may identify a child.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from covenant_portal import audit
from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation
from covenant_portal.audit.service import Actor
from covenant_portal.homes.models import HomeStatus, HomeType, Need, ProviderHome
from covenant_portal.web.stale import ChangedMeanwhile, check_seen, lock, version_of

HOME_TYPE_LABELS = {
    HomeType.CHILDRENS_HOME: "Children’s home",
    HomeType.SUPPORTED_ACCOMMODATION: "Supported accommodation for 16 and 17 year olds",
    HomeType.FOSTERING_AGENCY: "Fostering agency",
    HomeType.RESIDENTIAL_SPECIAL_SCHOOL: "Residential special school",
    HomeType.OTHER: "Other",
}
NEED_LABELS = {
    Need.EMOTIONAL_BEHAVIOURAL: "Emotional and behavioural difficulties",
    Need.MENTAL_HEALTH_COMPLEX: "Mental health (complex care)",
    Need.DISABILITIES: "Disabilities",
    Need.LEARNING_DISABILITIES: "Learning disabilities",
    Need.CHILD_EXPLOITATION: "Risk of exploitation",
    Need.PARENT_AND_CHILD: "Parent and child",
    Need.UNACCOMPANIED_ASYLUM_SEEKING: "Unaccompanied asylum-seeking children",
}
STATUS_LABELS = {HomeStatus.OPEN: "Open", HomeStatus.PLANNED: "Planned", HomeStatus.CLOSED: "Closed"}
YOUNGEST_AGE, OLDEST_AGE = 0, 25


@dataclass(frozen=True)
class HomeDetails:
    """Everything a provider records about a home, as the form gives it."""

    name: str
    host_local_authority_id: int
    ofsted_urn: str | None
    home_type: HomeType
    registered_places: int
    age_from: int
    age_to: int
    needs: frozenset[Need]
    status: HomeStatus

    @classmethod
    def of(cls, home: ProviderHome) -> "HomeDetails":
        return cls(
            name=home.name,
            host_local_authority_id=home.host_local_authority_id,
            ofsted_urn=home.ofsted_urn,
            home_type=HomeType(home.home_type),
            registered_places=home.registered_places,
            age_from=home.age_from,
            age_to=home.age_to,
            needs=frozenset(Need(need) for need in home.needs),
            status=HomeStatus(home.status),
        )


class HomeError(ValueError):
    """A home that cannot be saved as given; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def version_seen(home: ProviderHome) -> str:
    """The version of the home's details as a page shows them; the page sends it back with a change,
    so that a change someone made meanwhile is not quietly undone (`change_home`)."""
    details = HomeDetails.of(home)
    return version_of(asdict(details) | {"needs": sorted(need.value for need in details.needs)})


def homes_of(
    session: Session, organisation_id: int, statuses: Iterable[HomeStatus] | None = None
) -> list[ProviderHome]:
    """The organisation's homes (only those in `statuses`, if given), by name, host LA loaded."""
    query = (
        select(ProviderHome)
        .options(joinedload(ProviderHome.host_local_authority))
        .where(ProviderHome.organisation_id == organisation_id)
        .order_by(ProviderHome.name, ProviderHome.id)
    )
    if statuses is not None:
        query = query.where(ProviderHome.status.in_(list(statuses)))
    return list(session.scalars(query))


def open_homes_in(session: Session, local_authority_id: int) -> list[ProviderHome]:
    """The open homes hosted in a local authority, whoever runs them, by provider and name."""
    return homes_hosted_in(session, local_authority_id, statuses=[HomeStatus.OPEN])


def hosted_in(local_authority_id: int) -> ColumnElement[bool]:
    """What an LA contact oversees of homes, as a WHERE clause on ProviderHome: the homes (of any
    provider, any status) in their local authority. LA contacts' list of homes asks it, and so does
    who sees which returns (returns/viewers.py: the organisations with a home in the LA)."""
    return ProviderHome.host_local_authority_id == local_authority_id


def organisations_with_a_home_in(local_authority_id: int) -> Select:
    """A SELECT of the ids of the organisations with a home (any status) in the local authority."""
    return select(ProviderHome.organisation_id).where(hosted_in(local_authority_id))


def homes_hosted_in(
    session: Session, local_authority_id: int, statuses: Iterable[HomeStatus] | None = None
) -> list[ProviderHome]:
    """Every provider's homes hosted in a local authority, by provider and name, providers loaded."""
    query = (
        select(ProviderHome)
        .join(ProviderHome.organisation)
        .options(contains_eager(ProviderHome.organisation))
        .where(hosted_in(local_authority_id))
        .order_by(ProviderOrganisation.name, ProviderHome.name, ProviderHome.id)
    )
    if statuses is not None:
        query = query.where(ProviderHome.status.in_(list(statuses)))
    return list(session.scalars(query))


def home_of(session: Session, organisation_id: int, home_id: int) -> ProviderHome | None:
    """The home if it belongs to the organisation; another organisation's home is not found."""
    home = session.get(ProviderHome, home_id)
    return home if home is not None and home.organisation_id == organisation_id else None


def host_authorities(session: Session) -> list[LocalAuthority]:
    """Where a home may be: the Greater Manchester authorities first, then any other on record."""
    query = select(LocalAuthority).order_by(LocalAuthority.is_greater_manchester.desc(), LocalAuthority.name)
    return list(session.scalars(query))


def add_home(session: Session, organisation_id: int, details: HomeDetails, actor: Actor, now: datetime) -> ProviderHome:
    _check(session, details)
    home = ProviderHome(organisation_id=organisation_id, created_at=now, updated_at=now)
    _apply(home, details)
    session.add(home)
    session.flush()
    audit.record(session, actor, "home.added", home, now, organisation_id=organisation_id)
    session.commit()
    return home


def change_home(
    session: Session, home: ProviderHome, details: HomeDetails, actor: Actor, now: datetime, seen: str | None = None
) -> list[str]:
    """Saves the new details; returns the names of the fields that changed (none: nothing saved).
    `seen` is `version_seen` of the home as the page showed it: ChangedMeanwhile if it has changed
    since (compared with the row re-read under a write lock, so two saves at once cannot both pass)."""
    _check(session, details)
    lock(session, home)
    before, after = asdict(HomeDetails.of(home)), asdict(details)
    changed = [name for name in after if after[name] != before[name]]
    if not changed:
        return []
    check_seen(seen, version_seen(home), ChangedMeanwhile("home", current=home))
    _apply(home, details)
    home.updated_at = now
    audit.record(session, actor, "home.changed", home, now, organisation_id=home.organisation_id, changed=changed)
    session.commit()
    return changed


def _check(session: Session, details: HomeDetails) -> None:
    # The form checks these too; the service holds the rules whoever calls it.
    if session.get(LocalAuthority, details.host_local_authority_id) is None:
        raise HomeError("host_local_authority", "Select the local authority the home is in")
    if details.age_from < YOUNGEST_AGE:
        raise HomeError("age_from", f"Youngest age must be {YOUNGEST_AGE} or more")
    if details.age_to > OLDEST_AGE:
        raise HomeError("age_to", f"Oldest age must be {OLDEST_AGE} or fewer")
    if details.age_from > details.age_to:
        raise HomeError("age_to", "Oldest age must be the same as or more than the youngest age")
    if details.registered_places < 0:
        raise HomeError("registered_places", "Registered places must be 0 or more")


def _apply(home: ProviderHome, details: HomeDetails) -> None:
    home.name = details.name
    home.host_local_authority_id = details.host_local_authority_id
    home.ofsted_urn = details.ofsted_urn
    home.home_type = details.home_type
    home.registered_places = details.registered_places
    home.age_from = details.age_from
    home.age_to = details.age_to
    # Kept in one order, whatever order they were ticked in, so equal lists mean equal needs.
    home.needs = [need.value for need in Need if need in details.needs]
    home.status = details.status
