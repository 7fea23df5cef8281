"""The demo's LA signatures of the covenant (issue 14, point 2), made through the covenant service by
each LA's demo contact: most LAs signed version 1 three years back, Stockport signed version 2 once
it was published, and Wigan and Oldham have not signed yet (their contacts are asked to)."""

from datetime import timedelta

from sqlalchemy import select

from covenant_portal.accounts.models import LocalAuthority
from covenant_portal.audit.service import Actor
from covenant_portal.covenant.models import CovenantVersion, LaCovenantSignature
from covenant_portal.covenant.service import Signing, current_version
from covenant_portal.covenant.service.la_signing import sign_for_authority
from covenant_portal.demo.covenant import plan_covenant, version_2_published_at
from covenant_portal.demo.providers import DOMAIN
from covenant_portal.demo.timeline import Demo, at_london
from covenant_portal.signing.portal_key import portal_key

NOT_SIGNED = ("Oldham", "Wigan")
RESIGNED = ("Stockport",)
OFFICERS = "Director of Children’s Services"


def plan_both_sides(demo: Demo) -> None:
    """The covenant area's demo step: the providers' signatures and versions, then the LAs'."""
    plan_covenant(demo)
    plan_la_covenant(demo)


def plan_la_covenant(demo: Demo) -> None:
    """The LAs' signatures: version 1 in the week before the providers first signed; Stockport again
    a week after the current version (2) was published, when it has been."""
    if not demo.builds_history:
        return
    first = at_london(demo.calendar.first_signing_day - timedelta(days=7), 10)
    demo.at(first, lambda: _sign_all(demo, first, lambda name: name not in NOT_SIGNED, 1))
    again = version_2_published_at(demo) + timedelta(days=7)
    if again <= demo.now:
        demo.at(again, lambda: _sign_all(demo, again, lambda name: name in RESIGNED, 2))


def _sign_all(demo: Demo, when, chosen, number: int) -> None:
    session = demo.session
    version = session.scalar(select(CovenantVersion).where(CovenantVersion.number == number))
    current = current_version(session)
    if version is None or current is None or current.id != version.id:
        return
    authorities = session.scalars(
        select(LocalAuthority).where(LocalAuthority.is_greater_manchester).order_by(LocalAuthority.name)
    )
    for minutes, authority in enumerate(authorities):
        if not chosen(authority.name):
            continue
        signed = select(LaCovenantSignature.id).filter_by(
            local_authority_id=authority.id, covenant_version_id=version.id
        )
        if session.scalar(signed) is not None:
            continue
        contact = demo.user(f"{authority.name.lower().replace(' ', '-')}.contact@{DOMAIN}")
        if contact is None:
            continue
        officer = f"{authority.name} {OFFICERS.split()[0]}"
        sign_for_authority(
            session,
            portal_key(),
            contact,
            Signing(officer, OFFICERS, version.number),
            Actor(contact.id),
            when + timedelta(minutes=minutes),
        )
