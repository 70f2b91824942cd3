"""Charts and the month grid of the patient app, drawn as inline SVG on the server.

Server-drawn SVG needs no chart library, works offline from the cached page and
scales with the browser's text zoom. Each chart carries a title and a
description for screen readers, with ids unique on the page; the templates also list
the numbers as text. The drawing primitives are planner.charts, shared with the clinic's
pages.
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from django.utils.translation import gettext as _

from planner.charts import (
    CLINIC,
    GOOD,
    GRID,
    HEIGHT,
    INK,
    LEFT,
    LOW,
    PAIN,
    PLOT_H,
    PLOT_W,
    RIGHT,
    TOP,
    WIDTH,
    Chart,
    frame,
    short_day,
)
from planner.selectors import CalendarDay, PainPoint, WeekAdherence


def _frame(chart_id: str, title: str, description: str, body: list[str]) -> str:
    return frame(chart_id=chart_id, title=title, description=description, body=body)


_short = short_day


def pain_chart(points: Sequence[PainPoint]) -> Chart:
    """Pain 0-10 over time: the worst logged pain of each day, and the clinic's scores."""
    title = _("Pain over time (0 none, 10 worst)")
    if not points:
        return Chart(_frame("pain-chart", title, _("No pain scores yet."), []), empty=True)
    first, last = points[0].day, points[-1].day
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return LEFT + PLOT_W * (day - first).days / span if last != first else LEFT + PLOT_W / 2

    def y(pain: int) -> float:
        return TOP + PLOT_H * (1 - pain / 10)

    body: list[str] = []
    for level in (0, 2, 4, 6, 8, 10):
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
            f'stroke="{GRID}"/><text x="{LEFT - 6}" y="{y(level) + 4:.1f}" text-anchor="end" '
            f'fill="{INK}">{level}</text>'
        )
    logged = [p for p in points if p.source == "log"]
    if len(logged) > 1:
        path = " ".join(f"{x(p.day):.1f},{y(p.pain):.1f}" for p in logged)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{PAIN}" stroke-width="3" '
            f'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    for p in logged:
        body.append(f'<circle cx="{x(p.day):.1f}" cy="{y(p.pain):.1f}" r="4" fill="{PAIN}"/>')
    for p in points:
        if p.source == "clinic":
            cx, cy = x(p.day), y(p.pain)
            body.append(
                f'<rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" fill="{CLINIC}"/>'
            )
    body.append(
        f'<text x="{LEFT}" y="{HEIGHT - 12}" fill="{INK}">{escape(_short(first))}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 12}" text-anchor="end" fill="{INK}">'
        f"{escape(_short(last))}</text>"
    )
    latest = points[-1]
    description = _("%(count)s scores from %(first)s to %(last)s; the latest is %(pain)s.") % {
        "count": len(points),
        "first": _short(first),
        "last": _short(last),
        "pain": latest.pain,
    }
    return Chart(_frame("pain-chart", title, description, body), empty=False)


def adherence_chart(weeks: Sequence[WeekAdherence]) -> Chart:
    """Per program week: the share of home days on which exercises were done."""
    title = _("Days exercised each week (%)")
    weeks = [w for w in weeks if w.percent is not None]
    if not weeks:
        return Chart(
            _frame("adherence-chart", title, _("No home training weeks yet."), []), empty=True
        )
    body: list[str] = []
    for level in (0, 50, 100):
        yy = TOP + PLOT_H * (1 - level / 100)
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="{GRID}"/><text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" '
            f'fill="{INK}">{level}</text>'
        )
    slot = PLOT_W / max(len(weeks), 1)
    bar = min(slot * 0.7, 40)
    for index, week in enumerate(weeks):
        percent = week.percent or 0
        height = PLOT_H * percent / 100
        bx = LEFT + slot * index + (slot - bar) / 2
        colour = GOOD if percent >= 70 else LOW
        body.append(
            f'<rect x="{bx:.1f}" y="{TOP + PLOT_H - height:.1f}" width="{bar:.1f}" '
            f'height="{max(height, 1):.1f}" rx="3" fill="{colour}"/>'
            f'<text x="{bx + bar / 2:.1f}" y="{HEIGHT - 12}" text-anchor="middle" '
            f'fill="{INK}">{index + 1}</text>'
        )
    description = ", ".join(
        _("week %(n)s: %(percent)s%%") % {"n": i + 1, "percent": w.percent}
        for i, w in enumerate(weeks)
    )
    return Chart(_frame("adherence-chart", title, description, body), empty=False)


@dataclass(frozen=True)
class GridCell:
    day: date | None
    entry: CalendarDay | None


def month_grid(month: date, days: dict[date, CalendarDay]) -> list[list[GridCell]]:
    """Weeks of the month from Monday, with blanks before the first and after the last day."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    return [
        [
            GridCell(day, days.get(day)) if day.month == month.month else GridCell(None, None)
            for day in week
        ]
        for week in weeks
    ]
