"""LA contacts' and overseers' view of quarterly returns: the compliance table (providers × pledges,
RAG rated) with its CSV, each return's detail and history, and the overview of every period for
admins and escalation officers. Read-only: nothing here changes anything."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from covenant_portal.access import allowed
from covenant_portal.access import Role
from covenant_portal.returns.compliance import service as compliance
from covenant_portal.returns.models import PledgeStatus
from covenant_portal.returns.calendar.periods import open_periods
from covenant_portal.filters import london_day
from covenant_portal.returns.status import ReturnState
from covenant_portal.covenant.service import current_version
from covenant_portal.db import get_session, utcnow
from covenant_portal.web import found_or_404
from covenant_portal.web.csv import csv_response
from covenant_portal.web.paging import page_number as _page_number, pagination
from covenant_portal.web.views import link

blueprint = Blueprint("compliance", __name__)

OVERSEERS = compliance.OVERSEERS
PER_PAGE = 100  # providers a page of the table; the CSV has them all
# Each answer's RAG tag, as the table shows it: the words always, the colour only as a help.
RAG_TAGS = {
    status: Markup('<strong class="govuk-tag {}">{}</strong>').format(css, status.label)
    for status, css in compliance.RAG_CLASSES.items()
}


@blueprint.app_context_processor
def inject_return_summaries():
    # Functions, called by the dashboards only when they show them, so other pages query nothing.
    return {
        "returns_summary": _returns_summary,
        "escalated_returns": lambda: compliance.escalated_returns(get_session(), compliance.scope_for(current_user)),
    }


def _returns_summary() -> compliance.PeriodCounts | None:
    """The current period's counts in the user's scope (None if no return has opened yet)."""
    session = get_session()
    periods = open_periods(session, _today())
    if not periods:
        return None
    scope = compliance.scope_for(current_user)
    return compliance.PeriodCounts(periods[0], compliance.state_counts(session, periods[0], _today(), scope))


def _today():
    return london_day(utcnow())


def _chosen_period(periods):
    """The period asked for (?period=), or the newest; 404 for one that is not open or not known."""
    wanted = request.args.get("period", "")
    if not wanted:
        return periods[0] if periods else None
    for period in periods:
        if str(period.id) == wanted:
            return period
    abort(404)


def _chosen_state() -> ReturnState | None:
    """The state asked for (?state=); anything else (or nothing) means every state."""
    try:
        return ReturnState(request.args.get("state", ""))
    except ValueError:
        return None


def _pledges(session) -> list[dict]:
    version = current_version(session)
    return version.document["pledges"] if version is not None else []


def _table(per_page: int | None):
    session = get_session()
    periods = open_periods(session, _today())
    period = _chosen_period(periods)
    state = _chosen_state()
    table = None
    if period is not None:
        scope = compliance.scope_for(current_user)
        try:
            table = compliance.compliance_table(session, period, _today(), scope, state, _page_number(), per_page)
        except compliance.NoSuchPage:
            abort(404)
    return session, periods, period, state, table


@blueprint.get("/la/returns")
@allowed(Role.LA_CONTACT, *OVERSEERS)
def table():
    session, periods, period, state, found = _table(PER_PAGE)
    pledges = _pledges(session)
    filters = {"period": period.id if period else None, "state": state.value if state else None}
    return render_template(
        "returns/compliance/table.html",
        periods=periods,
        period=period,
        state=state,
        table=found,
        pagination=found
        and pagination(
            found.page, found.pages, lambda n: url_for("compliance.table", **filters, page=n), "Pages of providers"
        ),
        pledges=pledges,
        pledge_numbers=[int(pledge["number"]) for pledge in pledges],
        states=compliance.STATES,
        rag_classes=compliance.RAG_CLASSES,
        rag_tags=RAG_TAGS,
        authority=current_user.local_authority,
    )


@blueprint.get("/la/returns.csv")
@allowed(Role.LA_CONTACT, *OVERSEERS)
def table_csv():
    session = get_session()
    period = _chosen_period(open_periods(session, _today()))
    _page_number()  # ignored (the CSV has every row), but refused if it is not a page number, as ever
    if period is None:
        abort(404)
    state, today, scope = _chosen_state(), _today(), compliance.scope_for(current_user)
    numbers = [int(pledge["number"]) for pledge in _pledges(session)] or list(compliance.PLEDGE_NUMBERS)
    filename = f"gm-first-returns-{period.financial_year}-q{period.quarter}"
    if state is not None:
        filename += f"-{state.value.replace('_', '-')}"
    return csv_response(
        f"{filename}.csv", compliance.csv_header(numbers), _csv_rows(period, today, scope, state, numbers)
    )


def _csv_rows(period, today, scope, state, numbers):
    """The CSV's rows, read as they are sent: with the session of the part of the request that
    sends the body (Flask has torn the view's down by then, and closes this one at the end)."""
    rows = compliance.every_row(get_session(), period, today, scope, state)
    yield from compliance.csv_rows(rows, period, numbers)


@blueprint.get("/la/returns/<int:return_id>")
@allowed(Role.LA_CONTACT, *OVERSEERS)
def detail(return_id):
    session = get_session()
    found = found_or_404(compliance.return_for_viewer(session, current_user, return_id))
    return render_template(
        "returns/compliance/detail.html",
        quarterly_return=found,
        detail=compliance.return_detail(session, found, _today()),
        rag_classes=compliance.RAG_CLASSES,
        statuses={status.value: status for status in PledgeStatus},
        evidence_url=_evidence_url,
        version_url=_version_url,
    )


@blueprint.get("/returns/overview")
@allowed(*OVERSEERS)
def overview():
    session = get_session()
    periods = open_periods(session, _today())
    period = _chosen_period(periods) if request.args.get("period") else None
    return render_template(
        "returns/compliance/overview.html",
        periods=periods,
        period=period,
        rows=compliance.overview(session, _today(), period) if periods else [],
        states=compliance.STATES,
    )


# Links to the pages of the signing helper's routes, where they exist and the user may open them.


def _evidence_url(quarterly_return, evidence_file) -> str | None:
    if evidence_file is None:
        return None
    return link("returns.evidence_download", return_id=quarterly_return.id, file_id=evidence_file.id)


def _version_url(quarterly_return, submission) -> str | None:
    return link("returns.submission", return_id=quarterly_return.id, version=submission.version)
