"""Server-rendered SVG trend chart of mood and anxiety across infusions.

No JavaScript: the chart is plain SVG markup with presentation attributes and
CSS classes (the content security policy forbids inline styles and scripts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 40
SCALE_MAX = 10


@dataclass(frozen=True)
class TrendPoint:
    """One session on the chart; a value is None when not answered."""

    label: str
    mood_before: float | None
    mood_after: float | None
    anxiety_before: float | None


@dataclass(frozen=True)
class Series:
    key: str
    name: str


SERIES = (
    Series("mood_before", "Mood before"),
    Series("mood_after", "Mood after"),
    Series("anxiety_before", "Anxiety before"),
)


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    if count == 1:
        return LEFT + inner / 2
    return LEFT + inner * index / (count - 1)


def _y(value: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (1 - value / SCALE_MAX)


def _segments(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive answered values; a gap breaks the line."""
    runs: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((index, value))
    return [run for run in runs if run]


def _grid() -> list[str]:
    parts = []
    for value in range(0, SCALE_MAX + 1, 2):
        y = _y(value)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{LEFT - 8}" y="{y + 4:.1f}" '
            f'text-anchor="end">{value}</text>'
        )
    return parts


def _x_labels(points: Sequence[TrendPoint]) -> list[str]:
    count = len(points)
    # Thin the labels out so that long histories stay legible.
    step = max(1, -(-count // 12))
    parts = []
    for index, point in enumerate(points):
        if index % step and index != count - 1:
            continue
        parts.append(
            f'<text class="axis" x="{_x(index, count):.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{escape(point.label)}</text>'
        )
    return parts


def _series_marks(series: Series, points: Sequence[TrendPoint]) -> list[str]:
    count = len(points)
    values = [getattr(point, series.key) for point in points]
    parts = []
    for run in _segments(values):
        coords = " ".join(f"{_x(i, count):.1f},{_y(v):.1f}" for i, v in run)
        if len(run) > 1:
            parts.append(f'<polyline class="line {series.key}" points="{coords}"/>')
        for index, value in run:
            parts.append(
                f'<circle class="dot {series.key}" cx="{_x(index, count):.1f}" '
                f'cy="{_y(value):.1f}" r="4"><title>{escape(series.name)}, '
                f"{escape(points[index].label)}: {value:g}</title></circle>"
            )
    return parts


def trend_chart(points: Sequence[TrendPoint]) -> Markup:
    """The SVG chart for ``points`` (oldest first), or an empty Markup."""
    if not points:
        return Markup("")
    parts = [
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="trend-title" xmlns="http://www.w3.org/2000/svg">',
        '<title id="trend-title">Mood and anxiety (0 to 10) across sessions</title>',
    ]
    parts += _grid()
    parts += _x_labels(points)
    for series in SERIES:
        parts += _series_marks(series, points)
    parts.append("</svg>")
    return Markup("".join(parts))
