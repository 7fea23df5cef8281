"""The observatory's one set of RAG rules: each rating has words and a colour (a GOV.UK tag class),
and the words always come with the colour, never the colour alone.

Providers' GM share (and a host LA's, and GM's):
  green  "GM First partner level"  at or above the partner share (80 % by default)
  amber  "Between thresholds"      at or above the dialogue threshold (50 %), below the partner share
  red    "Below dialogue threshold"
  grey   "No GM share"             nothing occupied (no share, not 0 %)
  grey   "Missing"                 no signed return for the quarter
  grey   "Not published"           in the public release, a share withheld ("c": too few children)
  grey   "Not rated yet"           a quarter's figures for an LA or GM while its returns are still coming in

An LA's own pledge figure (duties.LaPledgeFigure) against its target, by the same bands: green when
the target is met, amber when within half again of it (the partner and dialogue bands' idea: on
track / close / needs a conversation), red beyond; "No cases" when there were none. Against the
quarter before, a figure is better when it moved the way its pledge wants (lower, unless
`higher_is_better`).
"""

from dataclasses import dataclass

from covenant_portal.web.duties import LaPledgeFigure
from covenant_portal.observatory.settings import ObservatorySettings

AMBER_MARGIN = 1.5  # an LA figure within 1.5 × its target (or, higher being better, 1/1.5 of it) is amber


@dataclass(frozen=True)
class Rating:
    colour: str  # "green", "amber", "red", "grey"
    words: str

    @property
    def tag_class(self) -> str:
        return {"green": "govuk-tag--green", "amber": "govuk-tag--yellow", "red": "govuk-tag--red"}.get(
            self.colour, "govuk-tag--grey"
        )


PARTNER = Rating("green", "GM First partner level")
BETWEEN = Rating("amber", "Between thresholds")
BELOW = Rating("red", "Below dialogue threshold")
NO_SHARE = Rating("grey", "No GM share")
MISSING = Rating("grey", "Missing")
SUPPRESSED = Rating("grey", "Not published")
NOT_YET = Rating("grey", "Not rated yet")
NO_CASES = Rating("grey", "No cases")
NO_TARGET = Rating("grey", "No target set")
MET = Rating("green", "Meeting the pledge")
CLOSE = Rating("amber", "Close to the pledge")
NOT_MET = Rating("red", "Not meeting the pledge")


def rate_share(share: float | int | str | None, settings: ObservatorySettings) -> Rating:
    """`share` a percent, None (nothing occupied), "c" (suppressed) or anything else (missing)."""
    if share is None:
        return NO_SHARE
    if share == "c":  # the open-data code for a figure suppressed so that no child can be picked out
        return SUPPRESSED
    if not isinstance(share, float | int):
        return MISSING
    if share >= settings.partner_share:
        return PARTNER
    if share >= settings.dialogue_share:
        return BETWEEN
    return BELOW


def rate_figure(figure: LaPledgeFigure) -> Rating:
    if figure.value is None:
        return NO_CASES
    if figure.target is None:
        return NO_TARGET
    if figure.higher_is_better:
        if figure.value >= figure.target:
            return MET
        return CLOSE if figure.value * AMBER_MARGIN >= figure.target else NOT_MET
    if figure.value <= figure.target:
        return MET
    return CLOSE if figure.value <= figure.target * AMBER_MARGIN else NOT_MET


def compare_figures(now: float, before: float, higher_is_better: bool) -> int:
    """An LA pledge figure against the quarter before's: 1 better, 0 the same, -1 worse."""
    if now == before:
        return 0
    return 1 if (now > before) == higher_is_better else -1
