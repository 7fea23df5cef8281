"""The observatory's pages: the public GM overview and open data, and the detailed LA and provider
pages for LA contacts, escalation officers and admins. Thin: read the settings, ask the service,
render."""

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user

from covenant_portal.access import Role, allowed, public
from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.db import get_session, utcnow
from covenant_portal.duties import la_pledge_figures
from covenant_portal.filters import LONDON
from covenant_portal.observatory import pages
from covenant_portal.observatory.opendata import FILES, META_HEADER
from covenant_portal.observatory.service import observatory, providers_in, quarters_keys
from covenant_portal.observatory.settings import ObservatorySettings
from covenant_portal.web import found_or_404
from covenant_portal.web.csv import csv_response

blueprint = Blueprint("observatory", __name__)

OVERSEERS = (Role.LA_CONTACT, Role.ESCALATION_OFFICER, Role.ADMIN)
FILE_NAMES = ", ".join(f"'{name}'" for name in FILES)


def _settings() -> ObservatorySettings:
    return ObservatorySettings.from_config(current_app.config)


def _observatory():
    return observatory(get_session(), _settings(), utcnow().astimezone(LONDON).date())


@blueprint.get("/observatory")
@public
def overview():
    found = _observatory()
    return render_template("observatory/overview.html", **pages.overview(found, _settings()), found=found)


@blueprint.get("/observatory/data")
@public
def data():
    return render_template("observatory/data.html", files=FILES.values(), quarters=_observatory().quarters)


@blueprint.get(f"/observatory/data/<any({FILE_NAMES}):name>.csv")
@public
def data_file(name: str):
    data_file = FILES[name]
    return csv_response(f"{name}.csv", data_file.header, data_file.rows(_observatory().release))


@blueprint.get(f"/observatory/data/<any({FILE_NAMES}):name>.meta.csv")
@public
def data_meta(name: str):
    return csv_response(f"{name}.meta.csv", META_HEADER, FILES[name].meta)


@blueprint.get("/observatory/local-authorities/<int:la_id>")
@allowed(*OVERSEERS)
def local_authority(la_id: int):
    found = _observatory()
    found_or_404(found.authorities.get(la_id))
    if current_user.role == Role.LA_CONTACT and current_user.local_authority_id != la_id:
        abort(404)
    session = get_session()
    figures = la_pledge_figures(session, quarters_keys(found.quarters))
    return render_template(
        "observatory/local_authority.html",
        **pages.la_page(session, found, _settings(), la_id, figures),
        found=found,
        pledge_producers=len(current_app.extensions["la_pledge_figures"]),
    )


@blueprint.get("/observatory/providers/<int:organisation_id>")
@allowed(*OVERSEERS)
def provider(organisation_id: int):
    session = get_session()
    organisation = found_or_404(session.get(ProviderOrganisation, organisation_id))
    found = _observatory()
    if current_user.role == Role.LA_CONTACT and organisation_id not in providers_in(
        found, current_user.local_authority_id
    ):
        abort(404)
    return render_template(
        "observatory/provider.html",
        organisation=organisation,
        **pages.provider_page(session, found, _settings(), organisation_id),
        found=found,
    )
