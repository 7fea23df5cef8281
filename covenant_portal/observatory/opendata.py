"""The open data, in the format of the Department for Education's Explore Education Statistics
(EES): each file a tidy CSV and its `.meta.csv`, UTF-8, every row and cell as the release shows it
(release.py: suppressed `c`, not available `x`, not applicable `z`). A public contract: see
docs/observatory.md before changing a column.

Geography: a row for Greater Manchester as a whole (geographic_level "English devolved area", the
Greater Manchester Combined Authority, E47000001) and one per GM LA ("Local authority", with its
region, the North West). Time: `time_period` the financial year (202627) and `time_identifier`
"Financial year Q1".."Financial year Q4". The full matrix: every LA in every quarter.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from covenant_portal.observatory.release import GM, MEASURES, Place, Release, placed, supply

COUNTRY = ("E92000001", "England")
REGION = ("E12000002", "North West")
DEVOLVED_AREA = ("E47000001", "Greater Manchester Combined Authority")
# The DfE's three-digit LA numbers of the GM LAs (the old_la_code of EES), by ONS code.
OLD_LA_CODES = {
    "E08000001": "350",
    "E08000002": "351",
    "E08000003": "352",
    "E08000004": "353",
    "E08000005": "354",
    "E08000006": "355",
    "E08000007": "356",
    "E08000008": "357",
    "E08000009": "358",
    "E08000010": "359",
}
TIME_AND_GEOGRAPHY = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "english_devolved_area_code",
    "english_devolved_area_name",
    "old_la_code",
    "new_la_code",
    "la_name",
]
META_HEADER = [
    "col_name",
    "col_type",
    "label",
    "indicator_grouping",
    "indicator_unit",
    "indicator_dp",
    "filter_hint",
    "filter_grouping_column",
]
TOTAL = "Total"


@dataclass(frozen=True)
class DataFile:
    name: str
    title: str
    description: str
    columns: list[str]  # after time and geography
    meta: list[list[str]]
    rows: Callable[[Release], Iterator[list]]

    @property
    def header(self) -> list[str]:
        return TIME_AND_GEOGRAPHY + self.columns


def _geography(place: Place | None) -> list[str]:
    """Geography columns of a row: a GM LA, or Greater Manchester as a whole (None)."""
    if place is None:
        return ["English devolved area", *COUNTRY, "", "", *DEVOLVED_AREA, "", "", ""]
    return [
        "Local authority",
        *COUNTRY,
        *REGION,
        "",
        "",
        OLD_LA_CODES.get(place.ons_code, "x"),
        place.ons_code,
        place.name,
    ]


def _supply_rows(release: Release) -> Iterator[list]:
    for quarter in release.quarters:
        for place in [None, *release.places]:
            host = GM if place is None else place.id
            yield [
                quarter.time_period,
                quarter.time_identifier,
                *_geography(place),
                *(release.shown(supply(quarter.period_id, host, measure)) for measure in MEASURES),
                release.share(quarter.period_id, host),
            ]


def _placement_rows(release: Release) -> Iterator[list]:
    for quarter in release.quarters:
        for place in [None, *release.places]:
            placing = GM if place is None else place.id
            for host in [None, *release.places]:
                yield [
                    quarter.time_period,
                    quarter.time_identifier,
                    *_geography(place),
                    TOTAL if host is None else host.name,
                    release.shown(placed(quarter.period_id, placing, GM if host is None else host.id)),
                ]


def _indicator(name: str, label: str, unit: str = "", dp: str = "0") -> list[str]:
    return [name, "Indicator", label, "", unit, dp, "", ""]


SUPPLY = DataFile(
    name="gm-care-capacity-by-host-la",
    title="Care capacity in Greater Manchester and who it serves, by host local authority",
    description=(
        "For each quarter, the registered, occupied and vacant places of the homes hosted in each GM "
        "local authority (and in Greater Manchester as a whole) on the last day of the quarter, as "
        "providers' signed quarterly returns report them; how many of the occupied places are taken by "
        "children placed by GM local authorities and by authorities outside Greater Manchester; and the "
        "GM share (children placed by GM authorities as a percentage of occupied places)."
    ),
    columns=[*MEASURES, "gm_share_percent"],
    meta=[
        *(_indicator(name, label) for name, label in MEASURES.items()),
        _indicator("gm_share_percent", "GM share of occupied places", unit="%"),
    ],
    rows=_supply_rows,
)
PLACEMENTS = DataFile(
    name="gm-placements-by-placing-la",
    title="Children placed by each GM local authority with GM-based providers, by host local authority",
    description=(
        "For each quarter and each placing GM local authority (and all of them together), how many children "
        "it had placed in homes hosted in each GM local authority on the last day of the quarter, with the "
        "total across Greater Manchester, as providers' signed quarterly returns report them."
    ),
    columns=["host_local_authority", "children_placed"],
    meta=[
        ["host_local_authority", "Filter", "Host local authority", "", "", "", "Where the homes are", ""],
        _indicator("children_placed", "Children placed"),
    ],
    rows=_placement_rows,
)
FILES = {data_file.name: data_file for data_file in (SUPPLY, PLACEMENTS)}
