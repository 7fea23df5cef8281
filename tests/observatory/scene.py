"""A small fixed data set for the observatory, every figure worked out by hand in the tests.

Homes (registered places): A Bolton 6 and B Bury 4 (provider P), C Bolton 3 (provider Q), D Wigan 5
(provider R). Returns, each signed through the submission service:

Q1 2026 to 2027   A: Bolton 3, Manchester 1, outside GM 1, vacant 1
                  B: Bury 2, outside GM 2, vacant 0
                  C: nothing occupied, vacant 3 (provider Q has no GM share)
                  D: Wigan 4, vacant 1
Q2 2026 to 2027   P signs A: Bolton 1, outside 4, vacant 1, then corrects it (version 2) to
                  A: Bolton 5, vacant 1; B: Bury 1, Bolton 1, outside 2, vacant 0
                  C: Manchester 2, vacant 1
                  R signs nothing (D is missing)
Q3 2026 to 2027   nobody signs (the whole quarter is missing)
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from covenant_portal.homes.models import ProviderHome
from covenant_portal.returns.models import ReturnPeriod
from tests.factories import local_authority
from tests.homes.homes import create_home
from tests.returns.helpers import (
    SignedOrganisation,
    create_return,
    filled_draft,
    period_of,
    sign_again,
    signed_organisation,
)

Q1_SIGNED = datetime(2026, 7, 10, 9, 0, tzinfo=UTC)
Q2_SIGNED = datetime(2026, 10, 12, 9, 0, tzinfo=UTC)
Q2_CORRECTED = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
CODES = {"Bolton": "E08000001", "Bury": "E08000002", "Manchester": "E08000003", "Wigan": "E08000010"}


@dataclass
class Scene:
    p: SignedOrganisation
    q: SignedOrganisation
    r: SignedOrganisation
    a: ProviderHome
    b: ProviderHome
    c: ProviderHome
    d: ProviderHome
    periods: list[ReturnPeriod]  # Q1, Q2, Q3 2026 to 2027


def _organisation(session: Session, homes: list[tuple[str, int]]) -> SignedOrganisation:
    signed = signed_organisation(session, homes=0)
    for name, places in homes:
        signed.homes.append(
            create_home(
                session,
                signed.organisation,
                host_local_authority=local_authority(session, name),
                registered_places=places,
            )
        )
    return signed


def sign(
    session: Session, signed: SignedOrganisation, period: ReturnPeriod, occupancy: dict, now: datetime, existing=None
):
    """Signs the organisation's return for the period with each home's (placed by {LA name: n},
    placed from outside GM, vacant places); a correction when `existing` (the return) is given."""
    draft = filled_draft(session, signed.homes)
    for home, (placed_by, outside, vacant) in occupancy.items():
        draft["occupancy"][str(home.id)].update(
            placed_by={CODES[name]: count for name, count in placed_by.items()},
            placed_outside_gm=outside,
            vacant_places=vacant,
        )
    if existing is None:
        quarterly_return = create_return(session, signed.organisation, period, draft, signed.user)
    else:
        quarterly_return = existing
        from covenant_portal.audit.service import SYSTEM
        from covenant_portal.returns.submission import service as submission

        submission.start_correction(session, quarterly_return, signed.user, SYSTEM, now)
        quarterly_return.draft = {**quarterly_return.draft, "occupancy": draft["occupancy"]}
        session.flush()
    sign_again(session, signed, quarterly_return, now=now)
    return quarterly_return


def build(session: Session) -> Scene:
    p = _organisation(session, [("Bolton", 6), ("Bury", 4)])
    q = _organisation(session, [("Bolton", 3)])
    r = _organisation(session, [("Wigan", 5)])
    a, b = p.homes
    (c,) = q.homes
    (d,) = r.homes
    periods = [period_of(session, 2026, quarter) for quarter in (1, 2, 3)]
    q1, q2, _q3 = periods
    sign(session, p, q1, {a: ({"Bolton": 3, "Manchester": 1}, 1, 1), b: ({"Bury": 2}, 2, 0)}, Q1_SIGNED)
    sign(session, q, q1, {c: ({}, 0, 3)}, Q1_SIGNED)
    sign(session, r, q1, {d: ({"Wigan": 4}, 0, 1)}, Q1_SIGNED)
    first = sign(session, p, q2, {a: ({"Bolton": 1}, 4, 1), b: ({"Bury": 1, "Bolton": 1}, 2, 0)}, Q2_SIGNED)
    sign(session, p, q2, {a: ({"Bolton": 5}, 0, 1), b: ({"Bury": 1, "Bolton": 1}, 2, 0)}, Q2_CORRECTED, existing=first)
    sign(session, q, q2, {c: ({"Manchester": 2}, 0, 1)}, Q2_SIGNED)
    return Scene(p, q, r, a, b, c, d, periods)
