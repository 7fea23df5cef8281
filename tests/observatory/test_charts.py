"""A chart's scale: each gridline labelled with the value it stands at, so a bar reaches the line
of its own value; a missing value is a labelled gap."""

import pytest

from covenant_portal.observatory.charts import BOTTOM, HEIGHT, bar_chart


@pytest.mark.parametrize(
    ("values", "top", "labels"),
    [
        ([6, 8], None, ["0", "2", "4", "6", "8", "10"]),  # not 4 steps of 2.5 shown as "2" and "8"
        ([3], None, ["0", "1", "2", "3", "4"]),
        ([15], None, ["0", "5", "10", "15", "20"]),
        ([30], None, ["0", "10", "20", "30", "40"]),
        ([45], None, ["0", "10", "20", "30", "40", "50"]),
        ([62], 100, ["0%", "25%", "50%", "75%", "100%"]),
    ],
)
def test_each_gridline_is_labelled_with_the_value_it_stands_at(values, top, labels):
    chart = bar_chart("T", "S", [str(index) for index in range(len(values))], {"a": values}, "%" if top else "", top)
    assert [label for _y, label in chart.ticks] == labels
    scale_top = float(labels[-1].rstrip("%"))
    for y, label in chart.ticks:
        assert y == pytest.approx(HEIGHT - BOTTOM - (HEIGHT - BOTTOM - 16) * float(label.rstrip("%")) / scale_top)
    for bar, value in zip(chart.bars, values):  # a bar's top is where its value's gridline would be
        assert HEIGHT - BOTTOM - bar.height == pytest.approx(
            HEIGHT - BOTTOM - (HEIGHT - BOTTOM - 16) * value / scale_top
        )


def test_a_missing_value_is_a_labelled_gap_not_a_zero_bar():
    chart = bar_chart("T", "S", ["Q1", "Q2"], {"a": [2, None]})
    assert [(bar.label, bar.missing) for bar in chart.bars] == [("2", False), ("missing", True)]
