"""The queries other areas count homes with, and the rules the service holds whoever calls it."""

import pytest

from covenant_portal.audit.service import SYSTEM
from covenant_portal.db import utcnow
from covenant_portal.homes.models import HomeStatus, HomeType
from covenant_portal.homes.service import (
    HomeDetails,
    HomeError,
    add_home,
    homes_of,
    open_homes_in,
)
from tests.factories import create_provider, local_authority
from tests.homes.homes import create_home


def details(db_session, **overrides) -> HomeDetails:
    values = {
        "name": "Oak House",
        "host_local_authority_id": local_authority(db_session, "Bolton").id,
        "ofsted_urn": None,
        "home_type": HomeType.CHILDRENS_HOME,
        "registered_places": 4,
        "age_from": 8,
        "age_to": 17,
        "needs": frozenset(),
        "status": HomeStatus.OPEN,
    } | overrides
    return HomeDetails(**values)


def test_homes_of_an_organisation_by_name_and_status(db_session):
    organisation = create_provider(db_session)
    create_home(db_session, organisation, name="Cedar", status=HomeStatus.CLOSED)
    create_home(db_session, organisation, name="Alder", status=HomeStatus.OPEN)
    create_home(db_session, organisation, name="Beech", status=HomeStatus.PLANNED)
    create_home(db_session, create_provider(db_session), name="Someone else's")

    assert [home.name for home in homes_of(db_session, organisation.id)] == ["Alder", "Beech", "Cedar"]
    not_closed = homes_of(db_session, organisation.id, statuses=[HomeStatus.OPEN, HomeStatus.PLANNED])
    assert [home.name for home in not_closed] == ["Alder", "Beech"]


def test_open_homes_in_a_local_authority_whoever_runs_them(db_session):
    bolton, wigan = local_authority(db_session, "Bolton"), local_authority(db_session, "Wigan")
    first = create_provider(db_session)
    second = create_provider(db_session)
    create_home(db_session, first, name="Open in Bolton", host_local_authority=bolton)
    create_home(db_session, second, name="Also open in Bolton", host_local_authority=bolton)
    create_home(db_session, first, name="Planned in Bolton", host_local_authority=bolton, status=HomeStatus.PLANNED)
    create_home(db_session, first, name="Open in Wigan", host_local_authority=wigan)

    names = {home.name for home in open_homes_in(db_session, bolton.id)}
    assert names == {"Open in Bolton", "Also open in Bolton"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"age_from": 12, "age_to": 10}, "age_to"),
        ({"age_from": -1}, "age_from"),
        ({"age_to": 26}, "age_to"),
        ({"registered_places": -1}, "registered_places"),
        ({"host_local_authority_id": 2_000_000_000}, "host_local_authority"),
    ],
)
def test_the_service_refuses_a_home_the_database_would_refuse(db_session, overrides, field):
    organisation = create_provider(db_session)
    with pytest.raises(HomeError) as error:
        add_home(db_session, organisation.id, details(db_session, **overrides), SYSTEM, utcnow())
    assert error.value.field == field
    assert homes_of(db_session, organisation.id) == []
