"""The observatory's settings: the thresholds of its ratings, the variance alert and how many
quarters its pages show. Each has a default; set OBSERVATORY_* in the app's config (FLASK_OBSERVATORY_*
in the environment) to change it."""

from dataclasses import dataclass

DEFAULTS = {
    # Providers at or above this GM share (%) for OBSERVATORY_PARTNER_QUARTERS quarters running are
    # badged "GM First partner" on the public register.
    "OBSERVATORY_PARTNER_SHARE": 80,
    "OBSERVATORY_PARTNER_QUARTERS": 2,
    # Providers below this GM share (%) are listed for their host LA, to start a conversation.
    "OBSERVATORY_DIALOGUE_SHARE": 50,
    # A provider's GM share falling by more than this many percentage points since the previous
    # quarter emails its host LAs' named contacts (the observatory_variance_alerts job).
    "OBSERVATORY_ALERT_FALL_POINTS": 15,
    # How many quarters the pages and open data cover (at least eight, for trends).
    "OBSERVATORY_QUARTERS": 12,
    # How long (seconds) computed figures are kept in memory, keyed by the data they came from
    # (0: not kept). Tests keep nothing unless they ask.
    "OBSERVATORY_CACHE_SECONDS": 300,
}


@dataclass(frozen=True)
class ObservatorySettings:
    partner_share: float = DEFAULTS["OBSERVATORY_PARTNER_SHARE"]
    partner_quarters: int = DEFAULTS["OBSERVATORY_PARTNER_QUARTERS"]
    dialogue_share: float = DEFAULTS["OBSERVATORY_DIALOGUE_SHARE"]
    alert_fall_points: float = DEFAULTS["OBSERVATORY_ALERT_FALL_POINTS"]
    quarters: int = DEFAULTS["OBSERVATORY_QUARTERS"]
    cache_seconds: int = DEFAULTS["OBSERVATORY_CACHE_SECONDS"]

    @classmethod
    def from_config(cls, config) -> "ObservatorySettings":
        def setting(name: str):
            default = DEFAULTS[name]
            if name == "OBSERVATORY_CACHE_SECONDS" and config.get("TESTING"):
                default = 0
            return type(default)(config.get(name, default))

        return cls(
            partner_share=setting("OBSERVATORY_PARTNER_SHARE"),
            partner_quarters=max(1, setting("OBSERVATORY_PARTNER_QUARTERS")),
            dialogue_share=setting("OBSERVATORY_DIALOGUE_SHARE"),
            alert_fall_points=setting("OBSERVATORY_ALERT_FALL_POINTS"),
            quarters=max(8, setting("OBSERVATORY_QUARTERS")),
            cache_seconds=setting("OBSERVATORY_CACHE_SECONDS"),
        )
