"""What the demo providers answer in their returns: occupancy on the last day of each quarter, and
how each pledge was kept. Worked out from the provider, the home and the quarter, never at random,
so the demo is the same every time it is made. Each provider's share of children placed by GM LAs
starts at its own level and drifts a little each quarter."""

from covenant_portal.demo.providers import Provider
from covenant_portal.homes.models import ProviderHome
from covenant_portal.returns.drafts.rules import OccupancyInput
from covenant_portal.returns.models import PledgeStatus

PARTLY_MET = (
    (
        "We offered a place to a GM authority first but the match was not right for the child, so the "
        "place went to an authority outside Greater Manchester."
    ),
    (
        "Two referrals this quarter took longer than we would like to answer while our referrals manager "
        "was on leave; a deputy now covers."
    ),
    "Staff turnover meant some training was postponed to next quarter; it is booked.",
    "We met the placing authorities about new services, but not yet all of the hosting authorities.",
)
NOT_MET = (
    (
        "A complaint from a placing authority took six weeks to resolve. We have reviewed our process and "
        "shared what we learnt with the authority."
    ),
)


def occupancy(
    provider: Provider, provider_number: int, home: ProviderHome, home_number: int, quarter: int, gm_codes: list[str]
) -> OccupancyInput:
    places = home.registered_places
    rate = 60 + (quarter * 7 + home_number * 11 + provider_number * 5) % 31  # percent of places used
    placed = min(places, round(places * rate / 100))
    base, drift = provider.gm_share
    fall = provider.falls[1] if provider.falls is not None and quarter >= provider.falls[0] else 0
    share = max(10, min(100, base + drift * quarter - fall))
    in_gm = round(placed * share / 100)
    # A large home now and then keeps a place out of use (a room being refurbished, say).
    unavailable = 1 if places >= 6 and placed < places and (quarter + home_number) % 4 == 0 else 0
    host = home.host_local_authority.ons_code
    placed_by = {host: in_gm - in_gm // 3}
    others = [code for code in gm_codes if code != host]
    for number in range(in_gm // 3):
        code = others[(quarter + home_number + number % 3) % len(others)]
        placed_by[code] = placed_by.get(code, 0) + 1
    return OccupancyInput(
        placed_by={code: children for code, children in placed_by.items() if children},
        placed_outside_gm=placed - in_gm,
        vacant_places=places - placed - unavailable,
        registered_places=places,
    )


def pledge_answer(provider_number: int, quarter: int, pledge: int) -> tuple[str, str]:
    """(status, narrative) of a pledge in a return."""
    if (quarter + pledge * 7 + provider_number) % 61 == 0:
        return PledgeStatus.NOT_MET, NOT_MET[0]
    if (quarter * 3 + pledge + provider_number * 5) % 19 == 0:
        return PledgeStatus.PARTLY_MET, PARTLY_MET[(quarter + pledge) % len(PARTLY_MET)]
    return PledgeStatus.MET, ""
