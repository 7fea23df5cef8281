"""Homes for tests: made directly (like tests/factories.py), or the form a person would fill in."""

from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.audit.models import AuditEvent
from covenant_portal.homes.models import HomeStatus, HomeType, ProviderHome
from tests.factories import local_authority

_sequence = count(1)


def create_home(session: Session, organisation, **overrides) -> ProviderHome:
    values = {
        "name": f"Home {next(_sequence)}",
        "host_local_authority": local_authority(session, "Bolton"),
        "home_type": HomeType.CHILDRENS_HOME,
        "registered_places": 4,
        "age_from": 8,
        "age_to": 17,
        "needs": [],
        "status": HomeStatus.OPEN,
    } | overrides
    home = ProviderHome(organisation=organisation, **values)
    session.add(home)
    session.flush()
    return home


def home_form(session: Session, **overrides) -> dict:
    """The home form as a provider fills it in (needs as a list: one value per ticked box)."""
    return {
        "name": "Oak House",
        "host_local_authority": str(local_authority(session, "Wigan").id),
        "ofsted_urn": "SC123456",
        "home_type": "childrens_home",
        "registered_places": "4",
        "age_from": "10",
        "age_to": "17",
        "needs": ["emotional_behavioural", "child_exploitation"],
        "status": "open",
    } | overrides


def audit_events_for(session: Session, obj) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == type(obj).__name__, AuditEvent.object_id == str(obj.id))
            .order_by(AuditEvent.id)
        )
    )
