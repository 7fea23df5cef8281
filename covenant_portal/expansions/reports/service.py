"""Expansion figures: proposals by host LA, category, kind and outcome, and working days to a first
response (median and 90th percentile), per financial quarter. The same measures are what the area
gives the observatory (`la_pledge_figures`) and its broken duties (`broken_duties`): an LA's first
response five working days past due.

A version's response time is counted from the London day it was submitted to the day of its first
outcome, in working days, paused days left out; it falls in the quarter it was submitted in. Only
versions that have had a first response are counted."""

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from covenant_portal.web.duties import BrokenDuty, LaPledgeFigure, Party
from covenant_portal.expansions.common import host_of, latest_of
from covenant_portal.filters import london_day
from covenant_portal.expansions.models import (
    EventKind,
    ExpansionProposal,
    ProposalEvent,
    ProposalOutcome,
    ProposalStatus,
    ProposalVersion,
)
from covenant_portal.expansions.proposals.rules import CATEGORY_LABELS, KIND_LABELS
from covenant_portal.expansions.triage.clock import FIRST_RESPONSE_DAYS, pauses
from covenant_portal.web.working_days import add_working_days, working_days_between

ESCALATE_AFTER = 5
MEDIAN = "expansion_first_response_median_working_days"
P90 = "expansion_first_response_p90_working_days"


def quarter_of(day: date) -> tuple[int, int]:
    """(financial year, quarter): April to June 2026 is (2026, 1), January to March 2027 (2026, 4)."""
    year = day.year if day.month >= 4 else day.year - 1
    return year, (day.month - 4) % 12 // 3 + 1


@dataclass(frozen=True)
class Case:
    """One signed version and how its first response went."""

    version: ProposalVersion
    proposal: ExpansionProposal
    submitted_on: date
    due_on: date
    responded_on: date | None
    ended_on: date | None  # superseded by a newer version or withdrawn without a response
    working_days: int | None  # to the first response, paused days left out

    @property
    def quarter(self) -> tuple[int, int]:
        return quarter_of(self.submitted_on)


def cases(session: Session, today: date) -> Iterator[Case]:
    versions = session.scalars(
        select(ProposalVersion).options(joinedload(ProposalVersion.proposal)).order_by(ProposalVersion.id)
    ).all()
    firsts: dict[int, datetime] = {}
    for version_id, decided_at in session.execute(
        select(ProposalOutcome.version_id, ProposalOutcome.decided_at).order_by(ProposalOutcome.decided_at)
    ):
        firsts.setdefault(version_id, decided_at)
    later = {v.supersedes_id: v for v in versions if v.supersedes_id is not None}
    # The day each withdrawn proposal was withdrawn ends its clock (not today: nothing was due after).
    withdrawn: dict[int, datetime] = dict(
        session.execute(
            select(ProposalEvent.proposal_id, ProposalEvent.occurred_at).where(
                ProposalEvent.kind == EventKind.WITHDRAWN
            )
        ).all()
    )
    for version in versions:
        submitted = london_day(version.submitted_at)
        responded = london_day(firsts[version.id]) if version.id in firsts else None
        ended = None
        if responded is None and version.id in later:
            ended = london_day(later[version.id].submitted_at)
        elif responded is None and version.proposal.status == ProposalStatus.WITHDRAWN:
            ended = london_day(withdrawn[version.proposal_id]) if version.proposal_id in withdrawn else today
        stop = responded or ended or today
        breaks = [(first, stop if last is None else last) for first, last in pauses(session, version.id)]
        yield Case(
            version=version,
            proposal=version.proposal,
            submitted_on=submitted,
            due_on=add_working_days(submitted, FIRST_RESPONSE_DAYS, breaks),
            responded_on=responded,
            ended_on=ended,
            working_days=working_days_between(submitted, responded, breaks) if responded else None,
        )


def percentile_90(values: Sequence[int]) -> int:
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def broken_first_responses(session: Session, now: datetime) -> Iterator[BrokenDuty]:
    """Each version whose host LA's first response came (or has not come) 5 working days past due."""
    today = london_day(now)
    for case in cases(session, today):
        broken_on = add_working_days(case.due_on, ESCALATE_AFTER)
        if broken_on > (case.responded_on or case.ended_on or today):
            continue
        proposal = case.proposal
        yield BrokenDuty(
            case_key=f"expansion-first-response:{proposal.id}:{case.version.version}",
            party=Party.LOCAL_AUTHORITY,
            party_id=host_of(proposal).id,
            category="communication",
            summary=(
                f"No first response to the expansion proposal “{proposal.title}” (version {case.version.version}) "
                f"{ESCALATE_AFTER} working days after it was due on {case.due_on:%-d %B %Y}"
            ),
            record_path=f"/la/expansions/{proposal.id}",
            broken_on=broken_on,
            met_on=case.responded_on or case.ended_on,
        )


def pledge_figures(session: Session, quarters: Sequence[tuple[int, int]]) -> Iterator[LaPledgeFigure]:
    wanted = set(quarters)
    times: dict[tuple[int, tuple[int, int]], list[int]] = defaultdict(list)
    authorities: set[int] = set()
    # Only answered versions are counted, so "today" (closing open pauses) only needs to be late enough.
    latest = max(quarters, default=(2000, 1))
    for case in cases(session, date(latest[0] + 1, 12, 31)):
        host = host_of(case.proposal).id
        authorities.add(host)
        if case.working_days is not None and case.quarter in wanted:
            times[(host, case.quarter)].append(case.working_days)
    for authority_id in sorted(authorities):
        for quarter in quarters:
            values = times.get((authority_id, quarter), [])
            for measure, label, value in (
                (
                    MEDIAN,
                    "Working days to a first response on expansion proposals (median)",
                    float(statistics.median(values)) if values else None,
                ),
                (
                    P90,
                    "Working days to a first response on expansion proposals (90th percentile)",
                    float(percentile_90(values)) if values else None,
                ),
            ):
                yield LaPledgeFigure(
                    local_authority_id=authority_id,
                    financial_year=quarter[0],
                    quarter=quarter[1],
                    measure=measure,
                    label=label,
                    value=value,
                    target=float(FIRST_RESPONSE_DAYS),
                    higher_is_better=False,
                    cases=len(values),
                )


# The reports page


@dataclass(frozen=True)
class Report:
    counts: list[tuple]  # (quarter label, LA, category, kind, outcome, proposals)
    times: list[tuple]  # (quarter label, LA, responses, median, 90th percentile)


def _outcome_of(session: Session, case: Case) -> str:
    if case.proposal.status == ProposalStatus.WITHDRAWN:
        return "Withdrawn"
    outcome = session.scalar(
        select(ProposalOutcome)
        .where(ProposalOutcome.version_id == case.version.id)
        .order_by(ProposalOutcome.id.desc())
        .limit(1)
    )
    return outcome.outcome.label if outcome else "Awaiting a response"


def report(session: Session, today: date) -> Report:
    latest = [case for case in cases(session, today) if latest_of(case.proposal).id == case.version.id]
    every = list(cases(session, today))
    counts: Counter = Counter()
    for case in latest:
        answers = case.version.document.get("answers", {}).get("service", {})
        counts[
            (
                case.quarter,
                host_of(case.proposal).name,
                CATEGORY_LABELS.get(answers.get("category", ""), ""),
                KIND_LABELS.get(answers.get("kind", ""), ""),
                _outcome_of(session, case),
            )
        ] += 1
    times: dict[tuple, list[int]] = defaultdict(list)
    for case in every:
        if case.working_days is not None:
            times[(case.quarter, host_of(case.proposal).name)].append(case.working_days)
    return Report(
        counts=[(_label(key[0]), *key[1:], n) for key, n in sorted(counts.items())],
        times=[
            (_label(quarter), la, len(values), statistics.median(values), percentile_90(values))
            for (quarter, la), values in sorted(times.items())
        ],
    )


def _label(quarter: tuple[int, int]) -> str:
    return f"Q{quarter[1]} {quarter[0]} to {quarter[0] + 1}"


COUNTS_HEADER = ["Quarter", "Host local authority", "Category", "Kind", "Outcome", "Proposals"]
TIMES_HEADER = [
    "Quarter",
    "Host local authority",
    "First responses",
    "Median working days",
    "90th percentile working days",
]
