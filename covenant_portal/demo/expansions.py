"""The demo's planned expansions (issue 12): made through the expansions services."""

from covenant_portal.demo.timeline import Demo


def plan_expansions(demo: Demo) -> None:
    """The expansions area's demo step."""
    return None
