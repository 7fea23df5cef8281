"""Who may see which quarterly returns, and what LA contacts and overseers see of them: the compliance
table (providers × pledges, RAG rated) for an LA and a period, its CSV, a return's detail and history,
and the overview of every period for admins and escalation officers.

An LA contact sees the returns of organisations with a home (whatever its status) in their LA, or
whose latest signed return (of any period) reports children placed by their LA. Escalation officers
and admins see every return; a provider user sees only their own organisation's.

Everything here is read-only, and worked out for all organisations at once: a handful of queries
whatever the number of providers, never one per row.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, String, func, select, type_coerce, union
from sqlalchemy.orm import Session, aliased

from covenant_portal.accounts.models import ProviderOrganisation, User
from covenant_portal.access import Role
from covenant_portal.returns.models import (
    QuarterlyReturn,
    ReturnSubmission,
    EvidenceFile,
    GmPlacement,
    HomeOccupancy,
    PledgeAnswer,
    PledgeStatus,
    ReminderStage,
    ReturnPeriod,
    ReturnReminder,
)
from covenant_portal.returns.calendar.periods import london_day, open_periods
from covenant_portal.returns.status import ReturnState, return_states
from covenant_portal.homes.models import ProviderHome

OVERSEERS = (Role.ESCALATION_OFFICER, Role.ADMIN)
PLEDGE_NUMBERS = tuple(range(1, 12))
# The RAG rating of each answer: a CSS modifier (the colour) and, always beside it, the words.
RAG_CLASSES = {
    PledgeStatus.MET: "app-rag--green",
    PledgeStatus.PARTLY_MET: "app-rag--amber",
    PledgeStatus.NOT_MET: "app-rag--red",
    PledgeStatus.NOT_APPLICABLE: "govuk-tag--grey",
}
# The order states are listed in (filters, overview, summaries).
STATES = (
    ReturnState.SUBMITTED,
    ReturnState.DRAFT,
    ReturnState.NOT_STARTED,
    ReturnState.OVERDUE,
    ReturnState.ESCALATED,
)


# Who sees what


def latest_submission_ids() -> Select:
    """A SELECT of (organisation_id, submission_id): each organisation's latest signed return — the
    newest version of the return of the latest period it has signed one for."""
    ranked = (
        select(
            QuarterlyReturn.organisation_id.label("organisation_id"),
            ReturnSubmission.id.label("submission_id"),
            func.row_number()
            .over(
                partition_by=QuarterlyReturn.organisation_id,
                order_by=(ReturnPeriod.starts_on.desc(), ReturnSubmission.version.desc()),
            )
            .label("rank"),
        )
        .join(ReturnSubmission, ReturnSubmission.return_id == QuarterlyReturn.id)
        .join(ReturnPeriod, ReturnPeriod.id == QuarterlyReturn.period_id)
        .subquery()
    )
    return select(ranked.c.organisation_id, ranked.c.submission_id).where(ranked.c.rank == 1)


def visible_organisation_ids(local_authority_id: int) -> Select:
    """A SELECT of the ids of the organisations whose returns an LA's contacts may see: those with a
    home in the LA (any status), and those whose latest signed return has children the LA placed."""
    hosted = select(ProviderHome.organisation_id).where(ProviderHome.host_local_authority_id == local_authority_id)
    latest = latest_submission_ids().subquery()
    placing = (
        select(latest.c.organisation_id)
        .join(HomeOccupancy, HomeOccupancy.submission_id == latest.c.submission_id)
        .join(GmPlacement, GmPlacement.occupancy_id == HomeOccupancy.id)
        .where(GmPlacement.local_authority_id == local_authority_id)
    )
    return select(union(hosted, placing).subquery().c[0])


def may_see_organisation(session: Session, user: User, organisation_id: int) -> bool:
    """Whether the user may see the organisation's returns."""
    if user.role in OVERSEERS:
        return True
    if user.role == Role.PROVIDER:
        return user.organisation_id == organisation_id
    if user.role == Role.LA_CONTACT and user.local_authority_id is not None:
        visible = visible_organisation_ids(user.local_authority_id).subquery()
        return session.scalar(select(visible.c[0]).where(visible.c[0] == organisation_id).limit(1)) is not None
    return False


def return_for_viewer(session: Session, user: User, return_id: int) -> QuarterlyReturn | None:
    """The return if the user may see it, else None (to be answered as not found, like a return that
    does not exist): its own organisation's people; LA contacts of an LA hosting one of its homes or
    whose children its latest signed return reports placed; escalation officers and admins."""
    found = session.get(QuarterlyReturn, return_id)
    if found is None or not may_see_organisation(session, user, found.organisation_id):
        return None
    return found


def scope_for(user: User) -> Select | None:
    """The organisations whose returns the user oversees: a SELECT of ids for an LA contact, None
    (every organisation) for escalation officers and admins."""
    if user.role in OVERSEERS:
        return None
    if user.role == Role.LA_CONTACT and user.local_authority_id is not None:
        return visible_organisation_ids(user.local_authority_id)
    raise ValueError(f"a {user.role} oversees no returns")


# The compliance table


@dataclass(frozen=True)
class ComplianceRow:
    """One organisation's return for the period, as the compliance table shows it."""

    organisation_id: int
    organisation_name: str
    state: ReturnState
    return_id: int | None  # None if the organisation has not started its return
    version: int | None  # the latest signed version, if signed
    submitted_at: datetime | None  # when the latest signed version was signed
    answers: dict[int, PledgeStatus]  # the latest signed version's answers, by pledge number

    def answer(self, pledge_number: int) -> PledgeStatus | None:
        return self.answers.get(pledge_number)


@dataclass(frozen=True)
class ComplianceTable:
    period: ReturnPeriod
    state: ReturnState | None  # the state filter, if any
    rows: list[ComplianceRow]  # the page's rows (all, unless paged) of those in the filter, by name
    matching: int  # how many organisations are in the filter
    counts: dict[ReturnState, int]  # of every organisation in scope, whatever the filter
    page: int = 1
    pages: int = 1
    first: int = 1  # the position of rows[0] among those in the filter

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class NoSuchPage(LookupError):
    pass


def compliance_table(
    session: Session,
    period: ReturnPeriod,
    today: date,
    scope: Select | None,
    state: ReturnState | None = None,
    page: int = 1,
    per_page: int | None = None,
) -> ComplianceTable:
    """Every organisation in scope (see scope_for) that owes a return for the period, by name, with
    its state and its latest signed answers: only those in `state` if given, and only the `page`th
    `per_page` of them if per_page is given (NoSuchPage past the last page). Six queries, whatever
    the number of organisations; the answers are fetched only for the rows returned."""
    states = return_states(session, period, today, scope)
    wanted = {org_id: found for org_id, found in states.items() if state is None or found == state}
    ordered = _by_name(session, scope, wanted) if wanted else []
    pages, first = 1, 1
    if per_page is not None:
        pages = max(1, -(-len(ordered) // per_page))
        if not 1 <= page <= pages:
            raise NoSuchPage(page)
        first = (page - 1) * per_page + 1
        shown = ordered[first - 1:first - 1 + per_page]
    else:
        shown = ordered
    rows = _rows(session, period, scope if per_page is None else [org_id for org_id, _ in shown], shown, wanted)
    return ComplianceTable(period, state, rows, len(ordered), _counted(states.values()), page, pages, first)


def state_counts(session: Session, period: ReturnPeriod, today: date, scope: Select | None) -> dict[ReturnState, int]:
    """How many returns of the period in scope are in each state (every state present, in order)."""
    return _counted(return_states(session, period, today, scope).values())


def _counted(states) -> dict[ReturnState, int]:
    counts = Counter(states)
    return {state: counts.get(state, 0) for state in STATES}


def _by_name(session: Session, scope: Select | None, wanted: dict[int, ReturnState]) -> list[tuple[int, str]]:
    """(id, name) of the organisations wanted, by name."""
    query = select(ProviderOrganisation.id, ProviderOrganisation.name)
    if scope is not None:
        query = query.where(ProviderOrganisation.id.in_(scope))
    found = [(org_id, name) for org_id, name in session.execute(query) if org_id in wanted]
    return sorted(found, key=lambda row: (row[1].casefold(), row[0]))


def _rows(
    session: Session,
    period: ReturnPeriod,
    organisations: Select | list[int] | None,
    shown: list[tuple[int, str]],
    states: dict[int, ReturnState],
) -> list[ComplianceRow]:
    """The rows of the organisations `shown`, in that order: one query (of those in `organisations`:
    a SELECT of ids, a list, or None for all) for each one's return of the period, its latest
    signed version and that version's answer to each pledge. Plain joins on indexed keys (no
    aggregates), so the plan stays good even before the database has statistics."""
    if not shown:
        return []
    later = aliased(ReturnSubmission)
    answers = {number: aliased(PledgeAnswer) for number in PLEDGE_NUMBERS}
    query = (
        select(
            QuarterlyReturn.organisation_id,
            QuarterlyReturn.id,
            ReturnSubmission.version,
            ReturnSubmission.signed_at,
            # Plain strings: no per-value conversion of 11 enums a row.
            *(type_coerce(answer.status, String).label(f"pledge_{number}") for number, answer in answers.items()),
        )
        .select_from(QuarterlyReturn)
        .outerjoin(
            ReturnSubmission,
            (ReturnSubmission.return_id == QuarterlyReturn.id)
            & ~select(later.id)
            .where(later.return_id == ReturnSubmission.return_id, later.version > ReturnSubmission.version)
            .exists(),
        )
        .where(QuarterlyReturn.period_id == period.id)
    )
    for number, answer in answers.items():
        query = query.outerjoin(
            answer, (answer.submission_id == ReturnSubmission.id) & (answer.pledge_number == number)
        )
    if organisations is not None:
        query = query.where(QuarterlyReturn.organisation_id.in_(organisations))
    statuses = {status.value: status for status in PledgeStatus}
    returns = {row[0]: row for row in session.execute(query)}
    rows = []
    for org_id, name in shown:
        _, return_id, version, signed_at, *pledges = returns.get(org_id) or (org_id, None, None, None)
        rows.append(ComplianceRow(
            organisation_id=org_id,
            organisation_name=name,
            state=states[org_id],
            return_id=return_id,
            version=version,
            submitted_at=signed_at,
            answers={number: statuses[status] for number, status in zip(PLEDGE_NUMBERS, pledges) if status},
        ))
    return rows


def csv_rows(table: ComplianceTable, pledge_numbers: list[int]) -> list[list[str]]:
    """The table as CSV rows, header first: each pledge's answer as its label (empty if unsigned)."""
    header = ["Organisation", "Period", "State", *(f"Pledge {n}" for n in pledge_numbers), "Submitted on", "Version"]
    rows = [header]
    for row in table.rows:
        rows.append([
            no_formula(row.organisation_name),
            table.period.label,
            row.state.label,
            *((row.answer(n).label if row.answer(n) else "") for n in pledge_numbers),
            _london_date(row.submitted_at),
            str(row.version) if row.version else "",
        ])
    return rows


def no_formula(text: str) -> str:
    """A spreadsheet would run a cell starting like a formula (CSV injection): make it plain text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "|") else text


def _london_date(moment: datetime | None) -> str:
    return london_day(moment).isoformat() if moment is not None else ""


# One return, for LA contacts and overseers


@dataclass(frozen=True)
class ReturnDetail:
    quarterly_return: QuarterlyReturn
    latest: ReturnSubmission | None
    history: list[ReturnSubmission]  # every signed version, newest first
    evidence: dict[tuple[str, str], EvidenceFile]  # the return's files, by (filename, sha256)
    state: ReturnState | None  # None if the organisation does not owe a return for the period

    def evidence_file(self, listed: dict) -> EvidenceFile | None:
        """The stored file a signed document lists (by its name and SHA-256), if it is kept."""
        return self.evidence.get((listed.get("filename"), listed.get("sha256")))


def return_detail(session: Session, quarterly_return: QuarterlyReturn, today: date) -> ReturnDetail:
    """What the detail page shows: the latest signed version (its document is what was signed) and
    the history of versions. Never the draft: that is the provider's work in progress."""
    history = list(
        session.scalars(
            select(ReturnSubmission)
            .where(ReturnSubmission.return_id == quarterly_return.id)
            .order_by(ReturnSubmission.version.desc())
        )
    )
    files = session.scalars(
        select(EvidenceFile).where(EvidenceFile.return_id == quarterly_return.id).order_by(EvidenceFile.id)
    )
    evidence = {(file.filename, file.sha256): file for file in files}
    organisation_id = quarterly_return.organisation_id
    state = return_states(session, quarterly_return.period, today, [organisation_id]).get(organisation_id)
    return ReturnDetail(quarterly_return, history[0] if history else None, history, evidence, state)


# The overview, for admins and escalation officers


@dataclass(frozen=True)
class PeriodCounts:
    period: ReturnPeriod
    counts: dict[ReturnState, int]

    @property
    def due(self) -> int:
        return sum(self.counts.values())


def overview(session: Session, today: date, period: ReturnPeriod | None = None) -> list[PeriodCounts]:
    """For each period that has opened (or just `period`), newest first: how many returns are owed,
    and how many are in each state."""
    periods = [period] if period is not None else open_periods(session, today)
    result = []
    for each in periods:
        result.append(PeriodCounts(each, state_counts(session, each, today, None)))
    return result


@dataclass(frozen=True)
class EscalatedReturn:
    period: ReturnPeriod
    organisation_id: int
    organisation_name: str


def escalated_returns(session: Session, scope: Select | None = None) -> list[EscalatedReturn]:
    """Returns escalated and still not signed, newest period first, then by organisation name (one
    query: escalation is a reminder sent; signing afterwards ends it)."""
    signed = (
        select(QuarterlyReturn.id)
        .join(ReturnSubmission, ReturnSubmission.return_id == QuarterlyReturn.id)
        .where(
            QuarterlyReturn.organisation_id == ReturnReminder.organisation_id,
            QuarterlyReturn.period_id == ReturnReminder.period_id,
        )
    )
    query = (
        select(ReturnReminder.organisation_id, ProviderOrganisation.name, ReturnPeriod)
        .join(ProviderOrganisation, ProviderOrganisation.id == ReturnReminder.organisation_id)
        .join(ReturnPeriod, ReturnPeriod.id == ReturnReminder.period_id)
        .where(ReturnReminder.stage == ReminderStage.ESCALATED, ~signed.exists())
        .order_by(ReturnPeriod.starts_on.desc(), ProviderOrganisation.name, ProviderOrganisation.id)
    )
    if scope is not None:
        query = query.where(ReturnReminder.organisation_id.in_(scope))
    return [EscalatedReturn(period, org_id, name) for org_id, name, period in session.execute(query)]
