"""Ids in URLs (kernel: knows no area). Every id column is a 64-bit integer at most, so a bigger
number in a path or a query string is an id of nothing: not found, never a server error."""

from flask import abort
from werkzeug.routing import IntegerConverter, ValidationError

LARGEST_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    """The app's `int` URL converter: a number over LARGEST_ID does not match, so it is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str):
        if parse_id(value) is None:  # Python will not even convert a number of 4,300 digits or more
            raise ValidationError()
        return super().to_python(value)


def parse_id(value) -> int | None:
    """An id typed in a query string or a form: digits 0-9 only, no bigger than LARGEST_ID; anything
    else is None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value.lstrip("0")) > len(str(LARGEST_ID)):
        return None
    number = int(value)
    return number if number <= LARGEST_ID else None


def init_app(app) -> None:
    """Registered before any blueprint, so that every route's <int:...> uses it."""
    app.url_map.converters["int"] = IdConverter


def refuse_ids_of_nothing(args, *names: str) -> None:
    """404 if a query-string id (one of `names`) is a number too big to be an id of anything.
    Values that are not numbers at all are left to the view (a filter ignores them)."""
    for name in names:
        value = args.get(name)
        if isinstance(value, str) and value.isascii() and value.isdigit() and parse_id(value) is None:
            abort(404)
