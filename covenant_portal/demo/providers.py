"""The demo's providers: who they are, their homes and named contacts, and how each has kept to the
covenant over three years (when it sends its returns, how much of its care goes to GM children)."""

from dataclasses import dataclass, field

from covenant_portal.homes.models import HomeStatus, HomeType, Need

DOMAIN = "demo.gm-first.example"


class Now:
    """Where a provider's return for the current quarter stands."""

    SUBMITTED = "submitted"
    DRAFT = "draft"
    NOT_STARTED = "not started"


@dataclass(frozen=True)
class Provider:
    slug: str
    name: str
    kind: str  # in words, for the README and the login table
    signs: bool = True  # signs version 1 of the covenant three years back
    # Days after version 2 was published that it signed version 2 (None: it has not).
    resigns_after: int | None = None
    # When it signs each quarter's return: days from the due date (negative: early), in turn.
    habit: tuple[int, ...] = (-5,)
    # Quarters (0 = the oldest owed) it signed at another time than its habit; None: never sent.
    exceptions: dict[int, int | None] = field(default_factory=dict)
    now: str = Now.SUBMITTED  # the current quarter
    draft_sections: int = 0  # sections saved of the current quarter's draft
    draft_from_last_quarter: bool = True
    # The share of its placed children placed by GM LAs, in percent: at first, and the change a quarter.
    gm_share: tuple[int, int] = (70, 0)
    # (quarter, points): from that quarter (0 = the oldest owed) its GM share is this many points lower.
    falls: tuple[int, int] | None = None
    corrects: int | None = None  # the quarter whose signed return it corrected


PROVIDERS = (
    Provider(
        "brightwater",
        "Brightwater Children's Homes Ltd",
        "children's homes",
        resigns_after=3,
        habit=(-9, -12, -8),
        gm_share=(62, 2),
    ),
    Provider(
        "pennine",
        "Pennine Fostering Partnership",
        "fostering agency",
        habit=(-4, -2, 3),
        exceptions={6: 16, 11: None},
        now=Now.NOT_STARTED,
        gm_share=(55, -1),
    ),
    Provider("irwell", "Irwell Valley Care CIC", "supported accommodation", signs=False),
    Provider(
        "hollins",
        "Hollins Brook Care Ltd",
        "children's homes",
        habit=(-3, -1, 0),
        exceptions={9: 8},
        now=Now.DRAFT,
        draft_sections=4,
        gm_share=(80, 1),
    ),
    Provider(
        "kestrel",
        "Kestrel Fostering Ltd",
        "fostering agency",
        resigns_after=10,
        habit=(-6,),
        gm_share=(90, 0),
        corrects=8,
    ),
    Provider(
        "medlock",
        "Medlock Supported Living",
        "supported accommodation",
        habit=(0, 1, -2),
        now=Now.NOT_STARTED,
        gm_share=(45, 3),
        falls=(11, 45),  # the last quarter before the current one: a variance alert, below the dialogue threshold
    ),
    Provider(
        "tame",
        "Tame Valley Children's Services",
        "children's homes",
        resigns_after=45,  # after the re-signing chase reminded it (the first reminder falls on day 42)
        habit=(-7, -5),
        exceptions={3: 9},
        now=Now.DRAFT,
        draft_sections=10,
        draft_from_last_quarter=False,
        gm_share=(74, -2),
    ),
    Provider(
        "beacon",
        "Beacon Fostering North West",
        "fostering agency and a children's home",
        resigns_after=21,
        habit=(-2, -4, 2, -1),
        gm_share=(50, 2),
    ),
)
PROVIDERS_BY_SLUG = {provider.slug: provider for provider in PROVIDERS}

# Each demo provider has an organisation admin and a colleague who is not one.
PROVIDER_STAFF = (("admin", "Registered manager", True), ("colleague", "Deputy manager", False))

HOMES = (
    # provider slug, name, host LA, type, places, ages, needs, status, Ofsted URN
    (
        "brightwater",
        "Oak House",
        "Bolton",
        HomeType.CHILDRENS_HOME,
        4,
        (8, 17),
        (Need.EMOTIONAL_BEHAVIOURAL, Need.CHILD_EXPLOITATION),
        HomeStatus.OPEN,
        "SC480001",
    ),
    (
        "brightwater",
        "Elm Lodge",
        "Wigan",
        HomeType.CHILDRENS_HOME,
        3,
        (10, 17),
        (Need.MENTAL_HEALTH_COMPLEX,),
        HomeStatus.OPEN,
        "SC480002",
    ),
    ("brightwater", "Willow Court", "Salford", HomeType.CHILDRENS_HOME, 2, (12, 17), (), HomeStatus.PLANNED, None),
    (
        "brightwater",
        "Beech Grove",
        "Manchester",
        HomeType.CHILDRENS_HOME,
        3,
        (11, 17),
        (Need.LEARNING_DISABILITIES,),
        HomeStatus.OPEN,
        "SC480003",
    ),
    (
        "pennine",
        "Pennine Fostering Partnership",
        "Oldham",
        HomeType.FOSTERING_AGENCY,
        35,
        (0, 18),
        (Need.PARENT_AND_CHILD, Need.DISABILITIES),
        HomeStatus.OPEN,
        "2512345",
    ),
    (
        "pennine",
        "Pennine Fostering Rochdale",
        "Rochdale",
        HomeType.FOSTERING_AGENCY,
        18,
        (0, 18),
        (Need.PARENT_AND_CHILD,),
        HomeStatus.OPEN,
        "2512346",
    ),
    (
        "irwell",
        "Irwell House",
        "Bury",
        HomeType.SUPPORTED_ACCOMMODATION,
        6,
        (16, 17),
        (Need.UNACCOMPANIED_ASYLUM_SEEKING,),
        HomeStatus.OPEN,
        None,
    ),
    ("irwell", "Irwell Court", "Salford", HomeType.SUPPORTED_ACCOMMODATION, 4, (16, 17), (), HomeStatus.OPEN, None),
    (
        "hollins",
        "Hollins Brook House",
        "Rochdale",
        HomeType.CHILDRENS_HOME,
        4,
        (9, 17),
        (Need.EMOTIONAL_BEHAVIOURAL,),
        HomeStatus.OPEN,
        "SC481101",
    ),
    (
        "hollins",
        "Greenbank",
        "Rochdale",
        HomeType.CHILDRENS_HOME,
        3,
        (12, 17),
        (Need.CHILD_EXPLOITATION,),
        HomeStatus.OPEN,
        "SC481102",
    ),
    (
        "hollins",
        "Moss Lane",
        "Bury",
        HomeType.CHILDRENS_HOME,
        2,
        (13, 17),
        (Need.MENTAL_HEALTH_COMPLEX,),
        HomeStatus.OPEN,
        "SC481103",
    ),
    (
        "kestrel",
        "Kestrel Fostering Stockport",
        "Stockport",
        HomeType.FOSTERING_AGENCY,
        24,
        (0, 18),
        (Need.DISABILITIES, Need.LEARNING_DISABILITIES),
        HomeStatus.OPEN,
        "2517001",
    ),
    (
        "medlock",
        "Medlock House",
        "Manchester",
        HomeType.SUPPORTED_ACCOMMODATION,
        8,
        (16, 17),
        (Need.UNACCOMPANIED_ASYLUM_SEEKING,),
        HomeStatus.OPEN,
        None,
    ),
    (
        "medlock",
        "Ancoats Flats",
        "Manchester",
        HomeType.SUPPORTED_ACCOMMODATION,
        6,
        (16, 17),
        (),
        HomeStatus.OPEN,
        None,
    ),
    ("medlock", "Stretford Road", "Trafford", HomeType.SUPPORTED_ACCOMMODATION, 5, (16, 17), (), HomeStatus.OPEN, None),
    (
        "tame",
        "Ashton Lodge",
        "Tameside",
        HomeType.CHILDRENS_HOME,
        4,
        (8, 16),
        (Need.EMOTIONAL_BEHAVIOURAL, Need.DISABILITIES),
        HomeStatus.OPEN,
        "SC482201",
    ),
    ("tame", "Hyde Park House", "Tameside", HomeType.CHILDRENS_HOME, 3, (10, 17), (), HomeStatus.OPEN, "SC482202"),
    (
        "tame",
        "Marple Bridge House",
        "Stockport",
        HomeType.CHILDRENS_HOME,
        3,
        (11, 17),
        (Need.MENTAL_HEALTH_COMPLEX,),
        HomeStatus.OPEN,
        "SC482203",
    ),
    (
        "beacon",
        "Beacon Fostering Wigan",
        "Wigan",
        HomeType.FOSTERING_AGENCY,
        30,
        (0, 18),
        (Need.PARENT_AND_CHILD,),
        HomeStatus.OPEN,
        "2519001",
    ),
    (
        "beacon",
        "Beacon House",
        "Bolton",
        HomeType.CHILDRENS_HOME,
        4,
        (10, 17),
        (Need.CHILD_EXPLOITATION,),
        HomeStatus.OPEN,
        "SC483301",
    ),
)

# Named contacts of providers (pledge 2). Irwell names no contact (so it cannot sign yet), and Wigan
# and Tameside have no LA named contact, so the warnings show. Phone numbers are in Ofcom's range
# for drama (0161 496 0xxx).
CONTACTS = (
    # provider slug, name, role, phone, homes covered (none: all homes)
    ("brightwater", "Grace Okafor", "Referrals manager", "0161 496 0101", ("Oak House", "Elm Lodge")),
    ("brightwater", "Tom Birch", "Registered manager", "0161 496 0102", ()),
    ("pennine", "Hannah Moss", "Placements coordinator", "0161 496 0201", ()),
    ("hollins", "Priya Shah", "Responsible individual", "0161 496 0401", ()),
    ("kestrel", "Owen Price", "Placements manager", "0161 496 0501", ()),
    ("medlock", "Sam Adeyemi", "Service manager", "0161 496 0601", ()),
    ("tame", "Lucy Hart", "Referrals coordinator", "0161 496 0701", ("Ashton Lodge", "Hyde Park House")),
    ("tame", "Martin Reeve", "Registered manager", "0161 496 0702", ("Marple Bridge House",)),
    ("beacon", "Nadia Khan", "Placements coordinator", "0161 496 0801", ()),
)
LA_WITHOUT_NAMED_CONTACT = ("Wigan", "Tameside")
