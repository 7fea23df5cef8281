"""Pages of a long list (kernel: knows no area): the page asked for (?page=) and govukPagination's
parameters. A page that is not a whole number from 1 is not found (404), as is one past the last."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import abort, request

T = TypeVar("T")


def page_number() -> int:
    """The page asked for (?page=, 1 if none); 404 for anything else than a whole number from 1."""
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        abort(404)
    if page < 1:
        abort(404)
    return page


@dataclass(frozen=True)
class Page(Generic[T]):
    """The `page`th `per_page` of a list already read and ordered."""

    rows: list[T]
    count: int  # of the whole list
    page: int
    pages: int
    first: int  # the position of rows[0] in the whole list


def page_of(items: list[T], page: int, per_page: int) -> Page[T]:
    """The page's share of `items`; 404 past the last page (an empty list has one, empty, page)."""
    pages = max(1, -(-len(items) // per_page))
    if page > pages:
        abort(404)
    first = (page - 1) * per_page
    return Page(items[first : first + per_page], len(items), page, pages, first + 1)


def pagination(page: int, pages: int, url: Callable[[int], str], landmark: str) -> dict | None:
    """govukPagination's parameters: the first, last and neighbouring pages, gaps as ellipses; `url`
    makes a page's link (its filters kept), `landmark` names the navigation (e.g. "Pages of providers")."""
    if pages <= 1:
        return None
    shown = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    items: list[dict] = []
    previous = 0
    for number in shown:
        if number > previous + 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": url(number), "current": number == page})
        previous = number
    return {
        "items": items,
        "previous": {"href": url(page - 1)} if page > 1 else None,
        "next": {"href": url(page + 1)} if page < pages else None,
        "landmarkLabel": landmark,
    }
