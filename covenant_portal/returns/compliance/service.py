"""What LA contacts and overseers see of quarterly returns: the compliance table (providers × pledges,
RAG rated) for an LA and a period, its CSV, a return's detail and history, and the overview of every
period for admins and escalation officers. Who sees which organisations' returns is
returns/viewers.py's one statement per viewer, used by the lists here and the details alike.

Everything here is read-only, and worked out in SQL for all organisations at once: a page of the
table is two queries (the count in each state, and the page's rows with their answers), whatever
the number of providers; the CSV is read CSV_CHUNK rows a query as it is written out.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.db import casefolded
from covenant_portal.returns.models import (
    QuarterlyReturn,
    ReturnSubmission,
    EvidenceFile,
    PledgeAnswer,
    PledgeStatus,
    ReminderStage,
    ReturnPeriod,
    ReturnReminder,
)
from covenant_portal.returns.calendar.periods import open_periods
from covenant_portal.filters import london_day
from covenant_portal.returns.status import (
    ReturnState,
    days_late,
    first_signed_at_clause,
    owed_return_states,
    return_days_late,
    return_states,
    state_label,
)
from covenant_portal.returns.viewers import (  # noqa: F401 (who sees what is part of this module's interface)
    OVERSEERS,
    Scope,
    in_scope,
    latest_submission_ids,
    may_see_organisation,
    overseen_by_authority,
    return_for_viewer,
    scope_for,
)
from covenant_portal.web.csv import no_formula  # noqa: F401 (the CSV's formula guard, as it was here)

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
    days_late: int | None = None  # status.days_late: how late the first version was signed

    @property
    def state_text(self) -> str:
        return state_label(self.state, self.days_late)

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
    scope: Scope | None,
    state: ReturnState | None = None,
    page: int = 1,
    per_page: int | None = None,
) -> ComplianceTable:
    """Every organisation in scope (see viewers.scope_for; None for all) that owes a return for the
    period, by name, with its state and its latest signed answers: only those in `state` if given,
    and only the `page`th `per_page` of them if per_page is given (NoSuchPage past the last page).
    Two queries, whatever the number of organisations."""
    counts = state_counts(session, period, today, scope)
    matching = counts[state] if state is not None else sum(counts.values())
    pages, first, limit = 1, 1, None
    if per_page is not None:
        pages = max(1, -(-matching // per_page))
        if not 1 <= page <= pages:
            raise NoSuchPage(page)
        first, limit = (page - 1) * per_page + 1, per_page
    rows = list(table_rows(session, period, today, scope, state, offset=first - 1, limit=limit)) if matching else []
    return ComplianceTable(period, state, rows, matching, counts, page, pages, first)


def state_counts(session: Session, period: ReturnPeriod, today: date, scope: Scope | None) -> dict[ReturnState, int]:
    """How many returns of the period in scope are in each state (every state present, in order):
    one query."""
    owed = _owed(period, today, scope)
    query = select(owed.c.state, func.count()).group_by(owed.c.state)
    found: dict[str, int] = {each: count for each, count in session.execute(query)}
    return {each: found.get(each.value, 0) for each in STATES}


def _owed(period: ReturnPeriod, today: date, scope: Scope | None):
    """(organisation_id, name, state) of each organisation in scope that owes the period's return."""
    return owed_return_states(period, today).where(in_scope(scope, ProviderOrganisation.id)).subquery("owed")


def table_rows(
    session: Session,
    period: ReturnPeriod,
    today: date,
    scope: Scope | None,
    state: ReturnState | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Iterator[ComplianceRow]:
    """The table's rows by name (as Python's casefold sorts them, then by id): those in `state` if
    given, `limit` of them from `offset` if limit is given. One query: the organisations wanted (in
    scope, owing, in the state) and their page picked first, then for those alone their return of
    the period, its latest signed version and that version's answer to each pledge, joined on
    indexed keys."""
    owed = _owed(period, today, scope)
    wanted = select(owed)
    if state is not None:
        wanted = wanted.where(owed.c.state == state.value)
    wanted = wanted.order_by(casefolded(session, owed.c.name), owed.c.organisation_id).offset(offset or None)
    shown = (wanted.limit(limit) if limit is not None else wanted).subquery("shown")
    later = aliased(ReturnSubmission)
    answers = {number: aliased(PledgeAnswer) for number in PLEDGE_NUMBERS}
    query = (
        select(
            shown.c.organisation_id,
            shown.c.name,
            shown.c.state,
            QuarterlyReturn.id,
            ReturnSubmission.version,
            ReturnSubmission.signed_at,
            first_signed_at_clause().label("first_signed_at"),
            # Plain strings: no per-value conversion of 11 enums a row.
            *(type_coerce(answer.status, String).label(f"pledge_{number}") for number, answer in answers.items()),
        )
        .select_from(shown)
        .outerjoin(
            QuarterlyReturn,
            (QuarterlyReturn.organisation_id == shown.c.organisation_id) & (QuarterlyReturn.period_id == period.id),
        )
        .outerjoin(
            ReturnSubmission,
            (ReturnSubmission.return_id == QuarterlyReturn.id)
            & ~select(later.id)
            .where(later.return_id == ReturnSubmission.return_id, later.version > ReturnSubmission.version)
            .exists(),
        )
    )
    for number, answer in answers.items():
        query = query.outerjoin(
            answer, (answer.submission_id == ReturnSubmission.id) & (answer.pledge_number == number)
        )
    query = query.order_by(casefolded(session, shown.c.name), shown.c.organisation_id)
    statuses = {status.value: status for status in PledgeStatus}
    for org_id, name, found, return_id, version, signed_at, first_signed_at, *pledges in session.execute(query):
        yield ComplianceRow(
            organisation_id=org_id,
            organisation_name=name,
            state=ReturnState(found),
            return_id=return_id,
            version=version,
            submitted_at=signed_at,
            days_late=days_late(period, first_signed_at),
            answers={number: statuses[status] for number, status in zip(PLEDGE_NUMBERS, pledges) if status},
        )


CSV_CHUNK = 2000  # rows read by each query of the CSV (each query works out every row's state and order)


def every_row(
    session: Session, period: ReturnPeriod, today: date, scope: Scope | None, state: ReturnState | None = None
) -> Iterator[ComplianceRow]:
    """Every row of the table (of those in `state` if given), by name, for the CSV: read CSV_CHUNK
    at a time as they are taken, each chunk a query of its own (so no cursor stays open between
    chunks while the response is sent)."""
    offset = 0
    while True:
        chunk = list(table_rows(session, period, today, scope, state, offset=offset, limit=CSV_CHUNK))
        yield from chunk
        if len(chunk) < CSV_CHUNK:
            return
        offset += CSV_CHUNK


CSV_HEADER_START = ("Organisation", "Period", "State")
CSV_HEADER_END = ("Submitted on", "Version")


def csv_header(pledge_numbers: list[int]) -> list[str]:
    return [*CSV_HEADER_START, *(f"Pledge {n}" for n in pledge_numbers), *CSV_HEADER_END]


def csv_rows(rows, period: ReturnPeriod, pledge_numbers: list[int]) -> Iterator[list[str]]:
    """The table's rows as CSV rows (no header): each pledge's answer as its label (empty if unsigned)."""
    for row in rows:
        yield [
            row.organisation_name,
            period.label,
            row.state_text,
            *((row.answer(n).label if row.answer(n) else "") for n in pledge_numbers),
            _london_date(row.submitted_at),
            str(row.version) if row.version else "",
        ]


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

    @property
    def state_text(self) -> str | None:
        late = return_days_late(self.quarterly_return)
        return state_label(self.state, late) if self.state is not None else None

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


def escalated_returns(session: Session, scope: Scope | None = None) -> list[EscalatedReturn]:
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
    query = query.where(in_scope(scope, ReturnReminder.organisation_id))
    return [EscalatedReturn(period, org_id, name) for org_id, name, period in session.execute(query)]
