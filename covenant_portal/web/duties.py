"""What one area tells others about covenant duties (kernel: knows no area).

Two shapes pass between areas through the app, never by one area importing another:

- `BrokenDuty`: a duty still broken after its chase ladder has run out (a return 14 days late, an
  organisation unsigned at the end of the re-signing grace period, an LA's first response to an
  expansion proposal five working days past due). Areas register finders (`Area.broken_duties`);
  the concerns area's daily job raises one concern per `case_key`, on behalf of the portal.
- `LaPledgeFigure`: one figure of how an LA kept its own side of the covenant in a quarter
  (working days to a first response on expansion proposals, concern acknowledgement times, ...).
  Areas register producers (`Area.la_pledge_figures`); the observatory shows them beside the
  providers' figures.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from flask import Flask, current_app
from sqlalchemy.orm import Session


class Party(StrEnum):
    PROVIDER = "provider"  # a provider organisation: `party_id` is its ProviderOrganisation id
    LOCAL_AUTHORITY = "local_authority"  # `party_id` is its LocalAuthority id


@dataclass(frozen=True)
class BrokenDuty:
    case_key: str  # stable and unique per case, e.g. "return-escalated:123"; one concern per key, ever
    party: Party  # who is responsible for the duty (the concern is about them)
    party_id: int
    category: str  # a concern category value: "paperwork", "communication", ...
    summary: str  # "Q2 2026 to 2027 return not submitted 14 days after it was due"
    record_path: str  # the portal path of the record that triggered it, e.g. "/la/returns/123"
    broken_on: date  # when the ladder ran out
    met_on: date | None = None  # when the duty was finally met, None while it is still broken
    home_id: int | None = None


@dataclass(frozen=True)
class LaPledgeFigure:
    local_authority_id: int
    financial_year: int  # 2026 for April 2026 to March 2027
    quarter: int  # 1..4 of the financial year
    measure: str  # stable key, e.g. "expansion_first_response_median_working_days"
    label: str  # "Working days to a first response on expansion proposals (median)"
    value: float | None  # None: no case in the quarter (shown as "no cases", never as 0)
    target: float | None = None  # the pledge's deadline or aim, in the same unit
    higher_is_better: bool = False
    cases: int = 0  # how many cases the figure is made from
    unit: str = ""  # written after the value and the target where shown: "%" for a percentage
    # When set, the value counts some of its `cases` (days without a named contact of the days
    # measured) and this names them: all of them is shown as "All 92 days", and is the same as all of
    # them the quarter before, whatever the quarters' lengths (observatory/pledges.py).
    of_cases: str = ""


# (session, now) -> every duty broken after its ladder ran out (those met since included, with met_on)
BrokenDutyFinder = Callable[[Session, datetime], Iterable[BrokenDuty]]
# (session, quarters as (financial_year, quarter)) -> that area's figures for every LA and quarter
LaPledgeFigures = Callable[[Session, Sequence[tuple[int, int]]], Iterable[LaPledgeFigure]]


def broken_duties(session: Session, now: datetime, app: Flask | None = None) -> list[BrokenDuty]:
    finders = (app or current_app).extensions["broken_duties"]
    return [duty for finder in finders for duty in finder(session, now)]


def la_pledge_figures(
    session: Session, quarters: Sequence[tuple[int, int]], app: Flask | None = None
) -> list[LaPledgeFigure]:
    producers = (app or current_app).extensions["la_pledge_figures"]
    return [figure for producer in producers for figure in producer(session, quarters)]
