"""The observatory's figures, worked out once per change of the data they come from.

`observatory(session, settings, today)` asks the database one cheap question (the newest signed
version, home and period) and, while the answer and the day stay the
same, gives back what it worked out last time (for up to `cache_seconds`); otherwise it works the
figures out again in a fixed handful of grouped queries (measures.py) and suppresses the release
(release.py). Either way a page makes the same few queries at any scale.
"""

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from covenant_portal.homes.models import HomeStatus, ProviderHome
from covenant_portal.observatory import measures
from covenant_portal.observatory.measures import Figures, Quarter
from covenant_portal.observatory.release import Place, Release, build_release
from covenant_portal.observatory.settings import ObservatorySettings
from covenant_portal.returns.models import ReturnPeriod, ReturnSubmission


@dataclass(frozen=True)
class Authority:
    id: int
    ons_code: str
    name: str
    is_gm: bool


@dataclass
class Observatory:
    quarters: list[Quarter]
    authorities: dict[int, Authority]  # every LA, by id
    by_host: dict[tuple[int, int], Figures]  # (period id, host LA id), every host, unsuppressed
    release: Release  # GM-based supply, suppressed for the public
    # (period id, organisation id) for the latest quarters (recognition, dialogue and alerts)
    by_organisation: dict[tuple[int, int], Figures]
    organisation_hosts: dict[int, set[int]]  # organisation id -> LAs hosting its open or planned homes
    # The quarters whose returns were due before today, oldest first: recognition and dialogue
    # look at these, so a quarter whose returns are still coming in changes no badge.
    settled: list[Quarter]
    # Parts of pages made from these figures alone, kept with them (see `kept`).
    fragments: dict = field(default_factory=dict, repr=False)

    def kept(self, key: tuple, make: Callable[[], Any]) -> Any:
        """What `make` gives, made once for these figures: a page's part that depends on nothing else."""
        if key not in self.fragments:
            self.fragments[key] = make()
        return self.fragments[key]

    @property
    def gm_places(self) -> list[Place]:
        return self.release.places

    @property
    def latest(self) -> Quarter | None:
        return self.quarters[-1] if self.quarters else None

    @property
    def latest_settled(self) -> Quarter | None:
        return self.settled[-1] if self.settled else None

    def host_series(self, la_id: int) -> list[Figures | None]:
        return measures.series(self.by_host, self.quarters, la_id)

    def gm_series(self) -> list[Figures | None]:
        return measures.total(self.by_host, self.quarters, [place.id for place in self.gm_places])

    def organisation_share(self, quarter: Quarter, organisation_id: int) -> float | str | None:
        """A provider's GM share in a quarter: a percent, None (nothing occupied), or "missing"."""
        found = self.by_organisation.get((quarter.period_id, organisation_id))
        return MISSING if found is None else found.gm_share

    def placements_by(self, placing_id: int) -> list[dict[int, int] | None]:
        """Per quarter, the children an LA placed in GM-based homes, by host LA (None: missing)."""
        found: list[dict[int, int] | None] = []
        for quarter in self.quarters:
            hosts = {
                host: each.placed_by.get(placing_id, 0)
                for (period_id, host), each in self.by_host.items()
                if period_id == quarter.period_id
            }
            found.append(hosts or None)
        return found


MISSING = "missing"
_cache: dict[tuple, tuple[float, Observatory]] = {}
_lock = threading.Lock()


def observatory(session: Session, settings: ObservatorySettings, today: date) -> Observatory:
    key = (str(session.get_bind().engine.url), today, settings, *_fingerprint(session))
    if settings.cache_seconds > 0:
        with _lock:
            kept = _cache.get(key)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
    found = work_out(session, settings, today)
    if settings.cache_seconds > 0:
        with _lock:
            _cache.clear()  # one observatory is kept: the latest
            _cache[key] = (time.monotonic() + settings.cache_seconds, found)
    return found


def _fingerprint(session: Session) -> tuple:
    # Signed versions are only ever added (never changed or deleted), so the newest id tells of any
    # new one, from the primary key's index; a home added or changed moves its id or updated_at.
    columns = [
        select(func.max(ReturnSubmission.id)).scalar_subquery(),
        select(func.max(ProviderHome.id)).scalar_subquery(),
        select(func.max(ProviderHome.updated_at)).scalar_subquery(),
        select(func.max(ReturnPeriod.id)).scalar_subquery(),
    ]
    return tuple(session.execute(select(*columns)).one())


def work_out(session: Session, settings: ObservatorySettings, today: date) -> Observatory:
    quarters = measures.recent_quarters(session, today, settings.quarters)
    authorities = {
        la.id: Authority(la.id, la.ons_code, la.name, la.is_greater_manchester)
        for la in measures.local_authorities(session)
    }
    places = [Place(la.id, la.ons_code, la.name) for la in authorities.values() if la.is_gm]
    by_host = measures.figures(session, quarters, "host")
    settled = [quarter for quarter in quarters if quarter.due_on is not None and quarter.due_on < today]
    recent = settled[-max(2, settings.partner_quarters) :]
    return Observatory(
        quarters=quarters,
        authorities=authorities,
        by_host=by_host,
        release=build_release(quarters, places, by_host),
        by_organisation=measures.figures(session, recent, "organisation"),
        organisation_hosts=_organisation_hosts(session),
        settled=settled,
    )


def _organisation_hosts(session: Session) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    rows = session.execute(
        select(ProviderHome.organisation_id, ProviderHome.host_local_authority_id)
        .where(ProviderHome.status != HomeStatus.CLOSED)
        .distinct()
    )
    for organisation_id, la_id in rows:
        found.setdefault(organisation_id, set()).add(la_id)
    return found


def partners(found: Observatory, settings: ObservatorySettings) -> set[int]:
    """Providers at or above the partner share in each of the latest `partner_quarters` quarters
    whose returns were due before today."""
    recent = found.settled[-settings.partner_quarters :]
    if len(recent) < settings.partner_quarters:
        return set()
    organisations = {organisation_id for (_period, organisation_id) in found.by_organisation}
    return {
        organisation_id
        for organisation_id in organisations
        if all(
            _at_least(found.organisation_share(quarter, organisation_id), settings.partner_share) for quarter in recent
        )
    }


def _at_least(share: float | str | None, threshold: float) -> bool:
    return isinstance(share, float | int) and share >= threshold


def for_dialogue(found: Observatory, settings: ObservatorySettings, la_id: int) -> list[tuple[int, float]]:
    """(organisation id, GM share) of providers with homes in the LA whose GM share in the latest
    quarter whose returns were due before today is below the dialogue threshold, lowest first."""
    latest = found.latest_settled
    if latest is None:
        return []
    below = []
    for organisation_id, hosts in found.organisation_hosts.items():
        share = found.organisation_share(latest, organisation_id)
        if la_id in hosts and isinstance(share, float | int) and share < settings.dialogue_share:
            below.append((organisation_id, float(share)))
    return sorted(below, key=lambda pair: (pair[1], pair[0]))


def providers_in(found: Observatory, la_id: int) -> list[int]:
    return sorted(organisation_id for organisation_id, hosts in found.organisation_hosts.items() if la_id in hosts)


def quarters_keys(quarters: Sequence[Quarter]) -> list[tuple[int, int]]:
    return [quarter.key for quarter in quarters]
