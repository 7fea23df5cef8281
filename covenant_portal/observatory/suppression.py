"""Disclosure control: which published counts are shown as `c`.

Primary: every count from 1 to 4 (PRIMARY_LOW..PRIMARY_HIGH). A true 0 is shown as 0.

Secondary: the cells published anywhere (open data and public pages) are tied together by
additive relations (a total is the sum of its parts; occupied places are GM placements plus
non-GM placements), each an equation `total - part - part ... = 0`. A suppressed cell can be
worked out exactly when, with every published value known, the equations fix its value: in
linear-algebra terms, when its column is a pivot of the reduced row echelon form of the equations
restricted to the suppressed cells and that pivot's row has nothing in any free column. While such
a cell exists, one more cell of an equation it is in (or, failing that, of one holding a
suppressed cell) is suppressed: the first, in a fixed order, that
leaves the fewest cells exposed, of the CANDIDATES_TRIED smallest (non-zero counts before zeros, ties
broken by the cell's key); then each secondary cell, largest first, is shown again if the others
still protect every suppressed cell without it. One pass over the whole release; the same input gives the same output every run.
Exact arithmetic (whole numbers modulo a large prime), no solver; the release is split into
unconnected blocks (one per quarter, as no equation spans quarters) and each block done in turn.
"""

from collections.abc import Mapping, Sequence
from typing import Any

PRIMARY_LOW = 1
PRIMARY_HIGH = 4
# Elimination is exact modulo this prime (the equations' coefficients are small whole numbers).
PRIME = 2**61 - 1
# How many of the smallest cells sharing an equation with an exposed cell are tried to protect it.
CANDIDATES_TRIED = 4

Cell = Any  # hashable
# An equation: the cells it adds, each with its coefficient (+1 for a total, -1 for a part).
Equation = Mapping[Cell, int]


def primary(values: Mapping[Cell, int]) -> set[Cell]:
    return {cell for cell, value in values.items() if PRIMARY_LOW <= value <= PRIMARY_HIGH}


def exposed(suppressed: set[Cell], equations: Sequence[Equation], order: Mapping[Cell, int]) -> list[Cell]:
    """The suppressed cells whose values the equations and the published cells give away, in order."""
    rows = [
        {cell: coefficient % PRIME for cell, coefficient in equation.items() if cell in suppressed}
        for equation in equations
    ]
    rows = [row for row in rows if row]
    pivots = _reduce(rows, order)
    # In reduced form a pivot's row holds, besides the pivot, only free cells: with none, it is fixed.
    return sorted((cell for row, cell in pivots.items() if len(rows[row]) == 1), key=order.__getitem__)


def _reduce(rows: list[dict[Cell, int]], order: Mapping[Cell, int]) -> dict[int, Cell]:
    """Reduced row echelon form of sparse rows (modulo PRIME), in place; {row: its pivot cell}."""
    pivots: dict[int, Cell] = {}
    done: set[int] = set()
    for cell in sorted({cell for row in rows for cell in row}, key=order.__getitem__):
        found = next((r for r in range(len(rows)) if r not in done and rows[r].get(cell)), None)
        if found is None:
            continue
        inverse = pow(rows[found][cell], PRIME - 2, PRIME)
        rows[found] = {other: value * inverse % PRIME for other, value in rows[found].items()}
        for r in range(len(rows)):
            factor = rows[r].get(cell) if r != found else None
            if factor:
                merged = dict(rows[r])
                for other, value in rows[found].items():
                    merged[other] = (merged.get(other, 0) - factor * value) % PRIME
                rows[r] = {other: value for other, value in merged.items() if value}
        pivots[found] = cell
        done.add(found)
    return pivots


def suppress(values: Mapping[Cell, int], equations: Sequence[Equation]) -> set[Cell]:
    """Every cell to show as `c`: primary, then secondary until none can be worked out. `values`
    are the cells published (those not available are left out, and out of the equations)."""
    order = {cell: number for number, cell in enumerate(sorted(values, key=repr))}
    kept = [{cell: k for cell, k in equation.items() if cell in values} for equation in equations]
    suppressed = primary(values)
    for block in _blocks([equation for equation in kept if len(equation) > 1], order):
        suppressed |= _protect(values, block, suppressed & {cell for equation in block for cell in equation}, order)
    return suppressed


def _protect(
    values: Mapping[Cell, int], equations: list[Equation], suppressed: set[Cell], order: Mapping[Cell, int]
) -> set[Cell]:
    by_cell: dict[Cell, list[Equation]] = {}
    for equation in equations:
        for cell in equation:
            by_cell.setdefault(cell, []).append(equation)
    first = set(suppressed)
    suppressed = set(suppressed)
    while found := exposed(suppressed, equations, order):
        candidates = _candidates(values, equations, by_cell, found[0], suppressed, order)
        if not candidates:  # every cell of the block is suppressed already
            break
        chosen = min(
            candidates[:CANDIDATES_TRIED],
            key=lambda other: len(exposed(suppressed | {other}, equations, order)),
        )
        suppressed.add(chosen)
    # Then give back, largest first, each secondary cell the others protect without it.
    for cell in sorted(suppressed - first, key=lambda cell: (-values[cell], order[cell])):
        if not exposed(suppressed - {cell}, equations, order):
            suppressed.discard(cell)
    return suppressed


def _candidates(values, equations, by_cell, cell, suppressed: set[Cell], order) -> list[Cell]:
    """Published cells to suppress to protect an exposed cell, in order: those of its own equations;
    if they are all suppressed already (it is exposed through a chain of equations), those of any
    equation holding a suppressed cell; failing that, any in the block."""
    widening = [
        by_cell[cell],
        [equation for equation in equations if any(other in suppressed for other in equation)],
        equations,
    ]
    for near in widening:
        found = {other for equation in near for other in equation if other not in suppressed}
        if found:
            return sorted(found, key=lambda other: (values[other] == 0, values[other], order[other]))
    return []


def _blocks(equations: list[Equation], order: Mapping[Cell, int]) -> list[list[Equation]]:
    """The equations in groups sharing no cell, each group in a fixed order."""
    parent: dict[Cell, Cell] = {}

    def root(cell: Cell) -> Cell:
        while parent.setdefault(cell, cell) != cell:
            cell = parent[cell]
        return cell

    for equation in equations:
        first, *rest = equation
        for other in rest:
            a, b = root(first), root(other)
            if a != b:
                parent[max(a, b, key=order.__getitem__)] = min(a, b, key=order.__getitem__)
    groups: dict[Cell, list[Equation]] = {}
    for equation in equations:
        groups.setdefault(root(next(iter(equation))), []).append(equation)
    return [groups[key] for key in sorted(groups, key=order.__getitem__)]
