"""Demo data for trying the portal locally (`flask --app covenant_portal seed-demo`): about three
years of use, counted back from today (see timeline.py).

Each area that brings demo records registers its demo step in its `Area` (`demo=`): a function
given the `Demo`, which schedules what happened and when (`Demo.at`). `seed_demo` asks every
registered area in turn, then does everything in date order, through the areas' services.

Safe to run again, on any day: the dated history (signatures, returns, reminders) is made only if
it is not there, and the accounts, homes and contacts steps add only what was never there, so a
second run changes nothing.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.covenant.models import CovenantSignature
from covenant_portal.demo.accounts import PASSWORDS, DemoLogin, login_table  # noqa: F401 (the demo's interface)
from covenant_portal.demo.timeline import Demo, DemoCalendar, DemoSettings
from covenant_portal.reference import load_covenant, load_local_authorities
from covenant_portal.web.areas import registered_areas


def seed_demo(session: Session, settings: DemoSettings, now: datetime) -> list[DemoLogin]:
    """Create whatever demo data is missing, as of `now`; returns every demo login.

    All in one transaction, committed at the end: the services' own commits only release savepoints
    of it. So the demo is made whole or not at all, and quickly (a file database would otherwise wait
    for the disk at each of the services' two thousand commits)."""
    load_local_authorities(session)
    load_covenant(session)
    inner = Session(bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        logins = _seed(inner, settings, now)
    except BaseException:
        inner.close()
        session.rollback()
        raise
    inner.close()
    session.commit()
    return logins


def _seed(session: Session, settings: DemoSettings, now: datetime) -> list[DemoLogin]:
    demo = Demo(session, now, DemoCalendar.as_of(Demo.london_today(now), settings.due_days), settings)
    demo.builds_history = _history_is_missing(demo)
    for area in registered_areas():
        if area.demo is not None:
            area.demo(demo)
    demo.run()
    return demo.logins


def _history_is_missing(demo: Demo) -> bool:
    """Whether the demo's dated history has yet to be made: its first signatory has never signed.
    (It is made whole or not at all: see seed_demo.)"""
    from covenant_portal.demo.covenant import signatories

    organisation = demo.organisation(signatories()[0].name)
    return (
        organisation is None
        or demo.session.scalar(
            select(CovenantSignature.id).where(CovenantSignature.organisation_id == organisation.id).limit(1)
        )
        is None
    )
