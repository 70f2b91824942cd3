"""Drawing primitives for the server-side SVG charts of the patient app and the clinic's
pages (web and workspace may not import each other; both may import this).

Server-drawn SVG needs no chart library, works offline from a cached page and scales
with the browser's text zoom. Every chart is an image (`role="img"`) labelled by its own
`<title>` and `<desc>`, whose ids are unique on the page (the caller names the chart), and
the pages list the same numbers as text for screen readers. Every text is escaped here,
so a `Chart.svg` is safe to insert as it is.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

from django.utils.formats import date_format

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 14, 34
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
INK, GRID, PAIN, CLINIC, GOOD, LOW = (
    "#1f2933",
    "#d9dee3",
    "#c2410c",
    "#1d4ed8",
    "#15803d",
    "#b45309",
)
# A second series beside PAIN (pain after exercise, the STarT Back subscale): dark purple,
# drawn dashed, so it is told apart without colour too.
SECOND = "#6d28d9"


@dataclass(frozen=True)
class Chart:
    svg: str  # safe to insert: every text in it is escaped here
    empty: bool


def frame(*, chart_id: str, title: str, description: str, body: Sequence[str]) -> str:
    """The chart's <svg>, labelled by its title and description (ids from `chart_id`)."""
    ident = escape(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" class="chart" '
        f'id="{ident}" font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>{"".join(body)}</svg>'
    )


def short_day(day: date) -> str:
    return date_format(day, "j M")


def y_of(value: float, low: float, high: float) -> float:
    """The vertical position of `value` on a scale from `low` (bottom) to `high` (top)."""
    span = (high - low) or 1
    return TOP + PLOT_H * (1 - (value - low) / span)


def y_grid(levels: Sequence[float], low: float, high: float) -> list[str]:
    """Horizontal grid lines with their values at the left."""
    body = []
    for level in levels:
        yy = y_of(level, low, high)
        label = f"{level:g}"
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="{GRID}"/><text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" '
            f'fill="{INK}">{label}</text>'
        )
    return body


@dataclass(frozen=True)
class DayScale:
    """Days from `first` (left) to `last` (right); a single day sits in the middle."""

    first: date
    last: date

    def __call__(self, day: date) -> float:
        if self.last == self.first:
            return LEFT + PLOT_W / 2
        return LEFT + PLOT_W * (day - self.first).days / (self.last - self.first).days

    def labels(self) -> list[str]:
        """The first and the last day under the plot."""
        return [
            f'<text x="{LEFT}" y="{HEIGHT - 12}" fill="{INK}">{escape(short_day(self.first))}'
            f'</text><text x="{WIDTH - RIGHT}" y="{HEIGHT - 12}" text-anchor="end" '
            f'fill="{INK}">{escape(short_day(self.last))}</text>'
        ]


@dataclass(frozen=True)
class Series:
    """Dated values drawn as a line with a marker at each point (`square` or `circle`)."""

    points: Sequence[tuple[date, float]]
    colour: str
    marker: str = "circle"
    dashed: bool = False
    line: bool = True


def series_body(series: Series, x: DayScale, low: float, high: float) -> list[str]:
    body: list[str] = []
    points = [(x(day), y_of(value, low, high)) for day, value in series.points]
    if series.line and len(points) > 1:
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{series.colour}" stroke-width="2.5" '
            f'stroke-linejoin="round" stroke-linecap="round"{dash}/>'
        )
    for px, py in points:
        if series.marker == "square":
            body.append(
                f'<rect x="{px - 4:.1f}" y="{py - 4:.1f}" width="8" height="8" '
                f'fill="{series.colour}"/>'
            )
        else:
            body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{series.colour}"/>')
    return body


@dataclass(frozen=True)
class LineChart:
    """Series over time on one scale; empty (and said so) when no series has a point."""

    chart_id: str
    title: str
    low: float
    high: float
    levels: Sequence[float]
    series: Sequence[Series] = field(default_factory=list)

    def draw(self, description: str, empty_description: str) -> Chart:
        days = [day for line in self.series for day, _value in line.points]
        if not days:
            return Chart(
                frame(
                    chart_id=self.chart_id,
                    title=self.title,
                    description=empty_description,
                    body=[],
                ),
                empty=True,
            )
        x = DayScale(min(days), max(days))
        body = y_grid(self.levels, self.low, self.high)
        for line in self.series:
            body += series_body(line, x, self.low, self.high)
        body += x.labels()
        svg = frame(chart_id=self.chart_id, title=self.title, description=description, body=body)
        return Chart(svg, empty=False)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, float, str]],
    high: float,
    levels: Sequence[float],
) -> Chart:
    """Bars of (label under it, value, colour) from 0 to `high`."""
    body = y_grid(levels, 0, high)
    slot = PLOT_W / max(len(bars), 1)
    width = min(slot * 0.7, 40)
    for index, (label, value, colour) in enumerate(bars):
        height = PLOT_H * value / high
        bx = LEFT + slot * index + (slot - width) / 2
        body.append(
            f'<rect x="{bx:.1f}" y="{TOP + PLOT_H - height:.1f}" width="{width:.1f}" '
            f'height="{max(height, 1):.1f}" rx="3" fill="{colour}"/>'
            f'<text x="{bx + width / 2:.1f}" y="{HEIGHT - 12}" text-anchor="middle" '
            f'fill="{INK}">{escape(label)}</text>'
        )
    svg = frame(chart_id=chart_id, title=title, description=description, body=body)
    return Chart(svg, empty=not bars)
