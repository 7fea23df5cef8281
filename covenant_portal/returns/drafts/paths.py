"""Where each section of a return's draft is kept: the draft is one JSON object, each section at
its own path (a pledge at ("pledges", "<number>"), the occupancy and the contacts at the top)."""

from typing import Any


def section_of(draft: dict | None, path: tuple[str, ...]) -> Any:
    value: Any = draft or {}
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def pledge_path(number: int) -> tuple[str, ...]:
    return ("pledges", str(number))


OCCUPANCY_PATH = ("occupancy",)
CONTACTS_PATH = ("contacts",)
