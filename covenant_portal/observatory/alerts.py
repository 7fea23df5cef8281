"""Variance alerts: after a return deadline, the named contacts of a provider's host LAs are told
when its GM share fell by more than `alert_fall_points` percentage points since the quarter before.

The quarter looked at is the latest whose due date is before as_of's London day; the share is the
provider's across all its homes (measures.py), and a provider is compared only when both quarters
have a share (a missing return or nothing occupied is no fall). Each email has the dedupe key
"observatory-variance:<period id>:<organisation id>:<LA id>:<address>", so a second run, a replay or
a return corrected later sends nothing twice; an audit event records each alert the first time.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.audit.service import SYSTEM, event_row, record_many
from covenant_portal.contacts.service import directory
from covenant_portal.homes.models import HomeStatus, ProviderHome
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_email
from covenant_portal.observatory import measures
from covenant_portal.observatory.measures import Quarter
from covenant_portal.observatory.settings import ObservatorySettings
from covenant_portal.filters import london_day
from covenant_portal.returns.models import ReturnPeriod

SENT = "observatory.variance_alert_sent"


@dataclass(frozen=True)
class Fall:
    organisation_id: int
    before: float
    after: float

    @property
    def points(self) -> float:
        return self.before - self.after


def quarters_compared(session: Session, as_of: datetime) -> tuple[Quarter, Quarter] | None:
    """(the quarter before, the latest quarter whose return was due before as_of's London day)."""
    rows = session.execute(
        select(ReturnPeriod.id, ReturnPeriod.financial_year, ReturnPeriod.quarter)
        .where(ReturnPeriod.due_on < london_day(as_of))
        .order_by(ReturnPeriod.financial_year.desc(), ReturnPeriod.quarter.desc())
        .limit(2)
    ).all()
    if len(rows) < 2:
        return None
    latest, before = Quarter(*rows[0]), Quarter(*rows[1])
    return before, latest


def falls(session: Session, settings: ObservatorySettings, before: Quarter, latest: Quarter) -> list[Fall]:
    found = measures.figures(session, [before, latest], "organisation")
    result = []
    for (period_id, organisation_id), now in found.items():
        if period_id != latest.period_id:
            continue
        earlier = found.get((before.period_id, organisation_id))
        if earlier is None or earlier.gm_share is None or now.gm_share is None:
            continue
        if earlier.gm_share - now.gm_share > settings.alert_fall_points:
            result.append(Fall(organisation_id, earlier.gm_share, now.gm_share))
    return sorted(result, key=lambda fall: fall.organisation_id)


def send_variance_alerts(session: Session, settings: ObservatorySettings, links: Links, as_of: datetime) -> str:
    compared = quarters_compared(session, as_of)
    if compared is None:
        return "No two quarters past their deadline to compare."
    before, latest = compared
    found = falls(session, settings, before, latest)
    if not found:
        return f"No provider's GM share fell by more than {settings.alert_fall_points:g} points in {latest.label}."
    ids = [fall.organisation_id for fall in found]
    names = dict(
        session.execute(
            select(ProviderOrganisation.id, ProviderOrganisation.name).where(ProviderOrganisation.id.in_(ids))
        ).all()
    )
    hosts: dict[int, set[int]] = {}
    for organisation_id, la_id in session.execute(
        select(ProviderHome.organisation_id, ProviderHome.host_local_authority_id)
        .where(ProviderHome.organisation_id.in_(ids), ProviderHome.status != HomeStatus.CLOSED)
        .distinct()
    ):
        hosts.setdefault(organisation_id, set()).add(la_id)
    # Each GM LA's current named contacts, as the directory lists them (the contacts area's rule).
    contacts = {
        authority.id: [(authority.name, named.user.full_name, named.email) for named in named_contacts]
        for authority, named_contacts in directory(session)
    }
    emails, events = 0, []
    for fall in found:
        for la_id in sorted(hosts.get(fall.organisation_id, ())):
            queued = 0
            for la_name, name, email in contacts.get(la_id, []):
                message = queue_email(
                    session,
                    to=email,
                    subject=f"{names[fall.organisation_id]}: GM share fell in {latest.label}",
                    template="observatory_variance_alert",
                    dedupe_key=f"observatory-variance:{latest.period_id}:{fall.organisation_id}:{la_id}:{email}",
                    now=as_of,
                    name=name,
                    organisation=names[fall.organisation_id],
                    authority=la_name,
                    fall=fall,
                    before=before,
                    latest=latest,
                    link=links.url("observatory.provider", organisation_id=fall.organisation_id),
                )
                queued += message is not None
            if queued:
                emails += queued
                events.append(
                    event_row(
                        SYSTEM,
                        SENT,
                        "ProviderOrganisation",
                        fall.organisation_id,
                        as_of,
                        quarter=latest.label,
                        local_authority_id=la_id,
                        before=round(fall.before),
                        after=round(fall.after),
                        emails=queued,
                    )
                )
    record_many(session, events)
    session.commit()
    return f"{len(found)} providers' GM share fell in {latest.label}; {emails} alert emails queued."
