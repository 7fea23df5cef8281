"""The expansions report: proposals by LA, category, kind and outcome, and first-response times."""

from flask import Blueprint, render_template

from covenant_portal.access import Role, allowed
from covenant_portal.db import get_session, utcnow
from covenant_portal.filters import london_day
from covenant_portal.expansions.reports import service
from covenant_portal.web.csv import csv_response

blueprint = Blueprint("expansion_reports", __name__)
READERS = (Role.LA_CONTACT, Role.ADMIN, Role.ESCALATION_OFFICER)


@blueprint.get("/expansions/reports")
@allowed(*READERS)
def report():
    return render_template("expansions/report.html", report=service.report(get_session(), london_day(utcnow())))


@blueprint.get("/expansions/reports/proposals.csv")
@allowed(*READERS)
def proposals_csv():
    found = service.report(get_session(), london_day(utcnow()))
    return csv_response("expansion-proposals.csv", service.COUNTS_HEADER, found.counts)


@blueprint.get("/expansions/reports/response-times.csv")
@allowed(*READERS)
def times_csv():
    found = service.report(get_session(), london_day(utcnow()))
    return csv_response("expansion-response-times.csv", service.TIMES_HEADER, found.times)
