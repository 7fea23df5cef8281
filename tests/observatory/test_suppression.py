"""Disclosure control: primary, secondary (a total, a row, a column), stability, and that no
published cell can be worked out, checked by brute force over small tables."""

import itertools
import random
from fractions import Fraction

from covenant_portal.observatory.measures import Figures, Quarter
from covenant_portal.observatory.release import GM, Place, build_release, supply
from covenant_portal.observatory.suppression import suppress


def row(total, parts):
    return {total: 1, **{part: -1 for part in parts}}


def determined(equations, suppressed):
    """The suppressed cells the equations fix, worked out independently of suppression.py: dense
    Gaussian elimination over fractions; a cell is fixed when no solution of the homogeneous
    system (a change to the suppressed cells that keeps every equation) moves it."""
    cells = sorted(suppressed, key=repr)
    matrix = [[Fraction(equation.get(cell, 0)) for cell in cells] for equation in equations]
    pivots, row = [], 0
    for column in range(len(cells)):
        pivot = next((r for r in range(row, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        matrix[row] = [value / matrix[row][column] for value in matrix[row]]
        for r in range(len(matrix)):
            if r != row and matrix[r][column] != 0:
                matrix[r] = [a - matrix[r][column] * b for a, b in zip(matrix[r], matrix[row])]
        pivots.append(column)
        row += 1
    free = [column for column in range(len(cells)) if column not in pivots]
    return {cells[column] for number, column in enumerate(pivots) if all(matrix[number][other] == 0 for other in free)}


def assert_protected(values, equations, suppressed):
    assert not determined(equations, suppressed)
    published = {cell: value for cell, value in values.items() if cell not in suppressed}
    assert not any(1 <= value <= 4 for value in published.values())


def test_primary_only_counts_one_to_four():
    values = {"zero": 0, "one": 1, "four": 4, "five": 5}
    assert suppress(values, []) == {"one", "four"}


def test_a_total_that_would_reveal_a_suppressed_cell():
    values = {"a": 3, "b": 10, "total": 13}
    equations = [row("total", ["a", "b"])]
    suppressed = suppress(values, equations)
    assert "a" in suppressed and len(suppressed) == 2  # b or the total goes too
    assert_protected(values, equations, suppressed)


def test_a_row_and_a_column_with_a_single_suppressed_cell():
    # 3 x 3 table with row and column totals and a grand total; one small cell
    cells = {(r, c): v for (r, c), v in zip(itertools.product(range(3), range(3)), [2, 8, 9, 7, 6, 11, 10, 12, 5])}
    values = {**cells}
    for r in range(3):
        values[("row", r)] = sum(cells[(r, c)] for c in range(3))
    for c in range(3):
        values[("col", c)] = sum(cells[(r, c)] for r in range(3))
    values[("all",)] = sum(cells.values())
    equations = [row(("row", r), [(r, c) for c in range(3)]) for r in range(3)]
    equations += [row(("col", c), [(r, c) for r in range(3)]) for c in range(3)]
    equations += [row(("all",), [("row", r) for r in range(3)]), row(("all",), [("col", c) for c in range(3)])]
    suppressed = suppress(values, equations)
    assert (0, 0) in suppressed
    # neither the row nor the column of the small cell has it as its only suppressed cell
    assert len([c for c in range(3) if (0, c) in suppressed]) >= 2
    assert len([r for r in range(3) if (r, 0) in suppressed]) >= 2
    assert_protected(values, equations, suppressed)


def test_the_same_every_run_whatever_the_order():
    rng = random.Random(7)
    values = {(r, c): rng.randint(0, 9) for r in range(4) for c in range(4)}
    for r in range(4):
        values[("row", r)] = sum(values[(r, c)] for c in range(4))
    equations = [row(("row", r), [(r, c) for c in range(4)]) for r in range(4)]
    first = suppress(values, equations)
    shuffled_values = dict(sorted(values.items(), key=lambda item: rng.random()))
    shuffled_equations = list(reversed(equations))
    for _ in range(5):
        assert suppress(shuffled_values, shuffled_equations) == first


def _release(counts):
    """A release of one quarter, two GM LAs hosting homes; counts[(placing, host)] children."""
    quarter = Quarter(1, 2026, 1)
    places = [Place(1, "E08000001", "Bolton"), Place(2, "E08000002", "Bury")]
    by_host = {}
    for host in (1, 2):
        placed_by = {placing: counts[(placing, host)] for placing in (1, 2) if counts[(placing, host)]}
        gm = sum(placed_by.values())
        by_host[(1, host)] = Figures(
            registered=gm + 10, vacant=2, gm_placed=gm, outside_gm=6, homes=2, placed_by=placed_by
        )
    return build_release([quarter], places, by_host)


def test_the_release_protects_across_linked_tables():
    release = _release({(1, 1): 3, (2, 1): 9, (1, 2): 7, (2, 2): 8})
    assert release.shown(("placed", 1, 1, 1)) == "c"
    shown = {cell: release.shown(cell) for cell in release.cells()}
    assert not any(isinstance(value, int) and 1 <= value <= 4 for value in shown.values())
    # GM share is suppressed with a count it would give away
    if release.shown(supply(1, 1, "gm_placed")) == "c":
        assert release.share(1, 1) == "c"
    from covenant_portal.observatory.release import _equations

    equations = [{c: k for c, k in eq.items() if c in release.values} for eq in _equations(1, [1, 2], [1, 2])]
    assert_protected(release.values, equations, release.suppressed)


def test_missing_is_x_and_no_share_is_z():
    quarter = Quarter(1, 2026, 1)
    places = [Place(1, "E08000001", "Bolton"), Place(2, "E08000002", "Bury")]
    release = build_release([quarter], places, {(1, 1): Figures(registered=10, vacant=10, homes=1)})
    assert release.shown(supply(1, 2, "registered_places")) == "x"  # Bury: no signed return
    assert release.share(1, 1) == "z" and release.share(1, GM) == "z"  # nothing occupied
    assert release.shown(supply(1, 1, "occupied_places")) == 0  # a true zero stays 0


def test_a_cell_exposed_through_a_chain_of_equations():
    # t = a (both 3, both primary) and t + c = u: u - c gives t, and so a, whose own equation
    # holds no published cell; a cell of the other equation is suppressed to protect it.
    values = {"a": 3, "t": 3, "c": 10, "u": 13}
    equations = [row("t", ["a"]), row("u", ["t", "c"])]
    suppressed = suppress(values, equations)
    assert {"a", "t"} < suppressed
    assert_protected(values, equations, suppressed)
