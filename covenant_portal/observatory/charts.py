"""Bar charts drawn as SVG by a template (templates/observatory/_chart.html), from this geometry.

No script and no style in the SVG: each series has a class (observatory.scss gives the Analysis
Function palette, #12436D, #28A197, #801650, #F46A25, and a pattern), every bar is labelled with its
value, and missing values are drawn as a labelled gap, never as a zero bar. Each chart comes with a
title, a one-line summary and the data table beside it (the template).
"""

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 260
LEFT = 40
BOTTOM = 40
TOP = 16
SERIES_CLASSES = ("app-chart__series--1", "app-chart__series--2", "app-chart__series--3", "app-chart__series--4")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the value as shown ("62%", "missing")
    series: int
    missing: bool


@dataclass(frozen=True)
class Chart:
    title: str
    summary: str
    categories: list[str]  # along the bottom
    series_names: list[str]
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, label) of the scale
    category_x: list[float]
    unit: str
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def series_classes(self) -> Sequence[str]:
        return SERIES_CLASSES[: len(self.series_names)]

    @property
    def baseline(self) -> float:
        return self.height - BOTTOM


def bar_chart(
    title: str,
    summary: str,
    categories: list[str],
    series: dict[str, list[float | int | None]],
    unit: str = "",
    top: float | None = None,
) -> Chart:
    """Bars for each category, one per series (at most four); None is missing."""
    names = list(series)[: len(SERIES_CLASSES)]
    values = [value for name in names for value in series[name] if isinstance(value, int | float)]
    scale_top = top if top is not None else _nice(max(values, default=0))
    plot_height = HEIGHT - BOTTOM - TOP
    band = (WIDTH - LEFT) / max(1, len(categories))
    bar_width = band * 0.8 / max(1, len(names))
    bars = []
    for index in range(len(categories)):
        for number, name in enumerate(names):
            value = series[name][index]
            x = LEFT + band * index + band * 0.1 + bar_width * number
            if not isinstance(value, int | float):
                label = "missing" if value is None else str(value)
                bars.append(Bar(x, HEIGHT - BOTTOM - 2, bar_width, 2, label, number, True))
                continue
            height = plot_height * value / scale_top if scale_top else 0
            bars.append(Bar(x, HEIGHT - BOTTOM - height, bar_width, height, f"{round(value)}{unit}", number, False))
    steps = _steps(scale_top)
    ticks = [
        (HEIGHT - BOTTOM - plot_height * step / steps, f"{scale_top * step / steps:g}{unit}")
        for step in range(steps + 1)
    ]
    centres = [LEFT + band * index + band / 2 for index in range(len(categories))]
    return Chart(title, summary, categories, names, bars, ticks, centres, unit)


def _steps(top: float) -> int:
    """How many equal steps the scale's gridlines divide it into: each labelled with its own value,
    a whole number where it can be (10 in 5 steps of 2, not 4 of 2.5 shown as "2" and "8")."""
    for steps in (4, 5, 2):
        if float(top / steps).is_integer():
            return steps
    return 4


def _nice(value: float) -> float:
    """A round top for the scale at or above the value."""
    if value <= 0:
        return 4
    step = 1
    while step * 10 < value:
        step *= 10
    for multiple in (1, 2, 4, 5, 10):
        if step * multiple >= value:
            return step * multiple
    return step * 10
