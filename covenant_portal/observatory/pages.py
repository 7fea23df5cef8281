"""What each observatory page shows, put together from the observatory's figures (service.py) for
its template: rows of tables and charts. No rule is decided here: shares are rated by rag.py and
public figures come from the suppressed release only."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.accounts.models import ProviderOrganisation
from covenant_portal.homes.models import ProviderHome
from covenant_portal.observatory import measures, rag
from covenant_portal.observatory.charts import Chart, bar_chart
from covenant_portal.observatory.measures import Figures, Quarter
from covenant_portal.observatory.release import GM, MEASURES, NOT_AVAILABLE, placed, supply
from covenant_portal.observatory.service import Observatory, for_dialogue, providers_in
from covenant_portal.observatory.settings import ObservatorySettings


@dataclass(frozen=True)
class Row:
    """A row of a table of quarters (or of places): its name, its cells as shown, its rating."""

    name: str
    cells: list
    rating: rag.Rating | None = None
    href: str | None = None


CHART_WORDS = {NOT_AVAILABLE: "missing", "z": "no share"}


def shown_share(share) -> str:
    if isinstance(share, int | float):
        return f"{round(share)}%"
    return {None: "No GM share", "z": "No GM share", "c": "c", "x": "x"}.get(share, "Missing")


def _public_share_value(share):
    """A published share for rating: a percent, None (nothing occupied), or missing."""
    return None if share == "z" else share


def coming_in(found: Observatory) -> Quarter | None:
    """The latest quarter shown, if its returns are not yet due: its figures will change."""
    latest = found.latest
    return latest if latest is not None and latest not in found.settled else None


def overview(found: Observatory, settings: ObservatorySettings) -> dict:
    """The public GM overview: the release only (suppressed)."""
    release = found.release
    quarters = found.quarters
    gm_rows = []
    shares = []
    for quarter in quarters:
        share = release.share(quarter.period_id, GM)
        shares.append(share)
        gm_rows.append(
            Row(
                row_label(quarter, found.settled),
                [release.shown(supply(quarter.period_id, GM, measure)) for measure in MEASURES] + [shown_share(share)],
                _aggregate_rating(_public_share_value(share), quarter, found.settled, settings),
            )
        )
    latest = found.latest
    host_rows, placing_rows = [], []
    if latest is not None:
        for place in found.gm_places:
            share = release.share(latest.period_id, place.id)
            host_rows.append(
                Row(
                    place.name,
                    [release.shown(supply(latest.period_id, place.id, measure)) for measure in MEASURES]
                    + [shown_share(share)],
                    _aggregate_rating(_public_share_value(share), latest, found.settled, settings),
                )
            )
            placing_rows.append(
                Row(
                    place.name,
                    [
                        release.shown(placed(latest.period_id, place.id, GM)),
                        release.shown(supply(latest.period_id, place.id, "occupied_places")),
                    ],
                )
            )
    chart = bar_chart(
        "GM share of occupied places in GM-based homes",
        _share_summary(quarters, shares, found.settled),
        [quarter.short_label for quarter in quarters],
        {"GM share": [share if isinstance(share, int) else CHART_WORDS.get(share, share) for share in shares]},
        unit="%",
        top=100,
    )
    return {
        "quarters": quarters,
        "latest": latest,
        "coming_in": coming_in(found),
        "gm_rows": gm_rows,
        "host_rows": host_rows,
        "placing_rows": placing_rows,
        "share_chart": chart,
        "measures": MEASURES,
    }


def _share_summary(quarters: list[Quarter], shares: list, settled: list[Quarter]) -> str:
    """The chart's summary, from the quarters whose returns were due before today: a quarter whose
    returns are still coming in is shown, but not taken for where the share has got to."""
    coming_in = [quarter for quarter in quarters if quarter not in settled]
    note = f" Returns for {coming_in[-1].label} are still coming in: its figures will change." if coming_in else ""
    known = [
        (quarter, share)
        for quarter, share in zip(quarters, shares)
        if isinstance(share, int | float) and quarter in settled
    ]
    if not known:
        return "No quarter has published figures yet." + note
    (first_quarter, first), (last_quarter, last) = known[0], known[-1]
    missing = len(settled) - len(known)
    text = (
        f"The GM share went from {round(first)}% in {first_quarter.label} to {round(last)}% in {last_quarter.label}."
        if first_quarter != last_quarter
        else f"The GM share was {round(last)}% in {last_quarter.label}."
    )
    return text + (f" {missing} quarters have no published figure." if missing else "") + note


def _figure_cells(each: Figures | None, placing: list) -> list:
    if each is None:
        return ["Missing"] * (len(MEASURES) + 1 + len(placing))
    return [
        each.registered,
        each.occupied,
        each.vacant,
        each.gm_placed,
        each.outside_gm,
        shown_share(each.gm_share),
        *(each.placed_by.get(place.id, 0) for place in placing),
    ]


def _aggregate_rating(share, quarter: Quarter, settled: list[Quarter], settings: ObservatorySettings) -> rag.Rating:
    """An LA's or GM's share rated, but not while the quarter's returns are still coming in: those
    signed so far are not the whole (a provider's or a home's own signed figures are rated)."""
    return rag.rate_share(share, settings) if quarter in settled else rag.NOT_YET


def row_label(quarter: Quarter, settled: list[Quarter]) -> str:
    """A quarter as a table's row says it: marked while its returns are not yet due."""
    return quarter.label if quarter in settled else f"{quarter.label} (returns still coming in)"


def figure_rows(
    quarters: list[Quarter], series: list[Figures | None], placing, settings, settled: list[Quarter], aggregate=False
) -> list[Row]:
    """Rows of a home's, a provider's or (`aggregate`) an LA's figures, each quarter."""
    return [
        Row(
            row_label(quarter, settled),
            _figure_cells(each, placing),
            _aggregate_rating(share, quarter, settled, settings) if aggregate else rag.rate_share(share, settings),
        )
        for quarter, each in zip(quarters, series)
        for share in [each.gm_share if each is not None else "missing"]
    ]


def provider_names(session: Session, found: Observatory, la_id: int) -> dict[int, str]:
    """The names of the providers with homes in the LA, by id."""
    organisation_ids = found.kept(("providers in", la_id), lambda: providers_in(found, la_id))
    return dict(
        session.execute(
            select(ProviderOrganisation.id, ProviderOrganisation.name).where(
                ProviderOrganisation.id.in_(organisation_ids)
            )
        ).all()
    )


def la_dialogue(found: Observatory, settings: ObservatorySettings, la_id: int, names: dict[int, str]) -> list:
    """(organisation id, name, share) of the LA's providers below the dialogue threshold."""
    return [
        (organisation_id, names.get(organisation_id, ""), share)
        for organisation_id, share in found.kept(("dialogue", la_id), lambda: for_dialogue(found, settings, la_id))
    ]


def la_page(found: Observatory, settings: ObservatorySettings, la_id: int, names: dict[int, str]) -> dict:
    """An LA's page (detailed figures): the supply it hosts, the placements it makes, its providers."""
    quarters = found.quarters
    hosted = found.host_series(la_id)
    made = found.placements_by(la_id)
    placing = found.gm_places
    supply_chart = bar_chart(
        "Places hosted against children placed",
        "Occupied places in homes hosted here, and children this authority placed with GM-based providers, "
        "each quarter; missing quarters have no signed return.",
        [quarter.short_label for quarter in quarters],
        {
            "Occupied places hosted": [each.occupied if each else None for each in hosted],
            "Children placed by this authority": [sum(hosts.values()) if hosts else None for hosts in made],
        },
    )
    organisation_ids = list(names)
    latest = found.latest_settled
    providers = [
        Row(
            names.get(organisation_id, ""),
            [shown_share(found.organisation_share(latest, organisation_id) if latest else "missing")],
            rag.rate_share(found.organisation_share(latest, organisation_id) if latest else "missing", settings),
            str(organisation_id),
        )
        for organisation_id in sorted(organisation_ids, key=lambda each: (names.get(each, ""), each))
    ]
    return {
        "authority": found.authorities[la_id],
        "quarters": quarters,
        "placing": placing,
        "hosted_rows": figure_rows(quarters, hosted, placing, settings, found.settled, aggregate=True),
        "made_rows": [
            Row(
                row_label(quarter, found.settled),
                ["Missing"] * (len(placing) + 1)
                if hosts is None
                else [sum(hosts.values()), *(hosts.get(p.id, 0) for p in placing)],
            )
            for quarter, hosts in zip(quarters, made)
        ],
        "supply_chart": supply_chart,
        "providers": providers,
        "latest_settled": latest,
        "provider_count": len(providers),
    }


def provider_page(session: Session, found: Observatory, settings: ObservatorySettings, organisation_id: int) -> dict:
    """A provider's page (detailed figures): the provider as a whole and each home, every quarter."""
    quarters = found.quarters
    homes = list(
        session.scalars(
            select(ProviderHome).where(ProviderHome.organisation_id == organisation_id).order_by(ProviderHome.name)
        )
    )
    by_home = measures.figures(session, quarters, "home", [measures.of_organisation(organisation_id)])
    provider_series = measures.total(by_home, quarters, [home.id for home in homes])
    placing = found.gm_places
    signed = any(each is not None for each in provider_series)
    chart = bar_chart(
        "GM share of this provider’s occupied places",
        "The share of occupied places taken by children placed by GM local authorities, each quarter; "
        "a quarter without a signed return is missing, and one with nothing occupied has no share."
        + ("" if signed or not quarters else " This provider has no signed return in any of these quarters."),
        [quarter.short_label for quarter in quarters],
        {"GM share": [each.gm_share if each else None for each in provider_series]},
        unit="%",
        top=100,
    )
    return {
        "quarters": quarters,
        "placing": placing,
        "provider_rows": figure_rows(quarters, provider_series, placing, settings, found.settled),
        "homes": [
            (
                home,
                figure_rows(quarters, measures.series(by_home, quarters, home.id), placing, settings, found.settled),
                found.authorities.get(home.host_local_authority_id),
            )
            for home in homes
        ],
        "share_chart": chart,
    }


def chart_rows(chart: Chart) -> list[list[str]]:
    """The chart's data, a row per category, for the table beside it."""
    per_series = len(chart.series_names)
    return [
        [category, *(bar.label for bar in chart.bars[index * per_series : (index + 1) * per_series])]
        for index, category in enumerate(chart.categories)
    ]
