"""The observatory's pages: the public GM overview and open data, and the detailed LA and provider
pages for LA contacts, escalation officers and admins. Thin: read the settings, ask the service,
render."""

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from covenant_portal.access import Role, allowed, public
from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.db import get_session, utcnow
from covenant_portal.web.duties import la_pledge_figures
from covenant_portal.filters import LONDON
from covenant_portal.observatory import pages, pledges
from covenant_portal.observatory.opendata import FILES, META_HEADER
from covenant_portal.observatory.service import observatory, providers_in, quarters_keys
from covenant_portal.observatory.settings import ObservatorySettings
from covenant_portal.web import found_or_404
from covenant_portal.web.csv import csv_response
from covenant_portal.web.views import link

blueprint = Blueprint("observatory", __name__)

OVERSEERS = (Role.LA_CONTACT, Role.ESCALATION_OFFICER, Role.ADMIN)
PROVIDERS_PER_PAGE = 100  # providers a page of an LA's list
FILE_NAMES = ", ".join(f"'{name}'" for name in FILES)


def _settings() -> ObservatorySettings:
    return ObservatorySettings.from_config(current_app.config)


def _observatory():
    return observatory(get_session(), _settings(), utcnow().astimezone(LONDON).date())


@blueprint.get("/observatory")
@public
def overview():
    found, settings = _observatory(), _settings()
    figures_html = found.kept(
        ("overview",), lambda: render_template("observatory/_overview_figures.html", **pages.overview(found, settings))
    )
    return render_template("observatory/overview.html", figures_html=Markup(figures_html), found=found)


@blueprint.get("/observatory/data")
@public
def data():
    found = _observatory()
    return render_template(
        "observatory/data.html", files=FILES.values(), quarters=found.quarters, coming_in=pages.coming_in(found)
    )


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
    session, settings, page = get_session(), _settings(), _page_number()
    names = pages.provider_names(session, found, la_id)
    context = found.kept(
        ("la", la_id, tuple(sorted(names.items()))), lambda: pages.la_page(found, settings, la_id, names)
    )
    shown, pagination = _providers_page(context["providers"], page, la_id)
    figures_html = found.kept(
        ("la", la_id, page, tuple(sorted(names.items()))),
        lambda: render_template("observatory/_la_figures.html", **{**context, "providers": shown}),
    )
    return render_template(
        "observatory/local_authority.html",
        authority=found.authorities[la_id],
        figures_html=Markup(figures_html),
        pagination=pagination,
        found=found,
        latest_settled=found.latest_settled,
        dialogue=pages.la_dialogue(found, settings, la_id, names),
        pledges=pledges.la_pledges(la_pledge_figures(session, quarters_keys(found.quarters)), la_id, found.quarters),
        pledge_producers=len(current_app.extensions["la_pledge_figures"]),
        link=link,
    )


def _page_number() -> int:
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= 100_000:
        abort(404)
    return int(page)


def _providers_page(providers: list, page: int, la_id: int) -> tuple[list, dict | None]:
    """The page's share of an LA's providers (PROVIDERS_PER_PAGE a page) and govukPagination's
    parameters for the pages before and after; a page past the last is not found."""
    pages_count = max(1, -(-len(providers) // PROVIDERS_PER_PAGE))
    if page > pages_count:
        abort(404)

    def href(number: int) -> str:
        return url_for("observatory.local_authority", la_id=la_id, page=number)

    shown = providers[(page - 1) * PROVIDERS_PER_PAGE : page * PROVIDERS_PER_PAGE]
    if pages_count == 1:
        return shown, None
    return shown, {
        "previous": {"href": href(page - 1), "labelText": f"Page {page - 1} of {pages_count}"} if page > 1 else None,
        "next": {"href": href(page + 1), "labelText": f"Page {page + 1} of {pages_count}"}
        if page < pages_count
        else None,
        "landmarkLabel": "Pages of providers",
    }


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
