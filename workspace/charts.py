"""The patient overview's charts for the clinician, drawn with planner.charts.

Each chart has its own id (its title and description are labelled by it) and a
description that states the numbers in a sentence; the page lists them in tables too.
"""

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _

from planner.charts import (
    CLINIC,
    GOOD,
    LOW,
    PAIN,
    SECOND,
    Chart,
    LineChart,
    Series,
    bar_chart,
    short_day,
)
from planner.selectors import DailyPain, PainPoint, WeekAdherence
from rehab.models import FitnessTest, OswestryAssessment, StartBackAssessment

# Adherence at or above this share of planned days counts as kept up (the weekly review's).
ADHERENCE_GOOD = 70


def _span(days: Sequence[date]) -> dict[str, object]:
    return {"count": len(days), "first": short_day(days[0]), "last": short_day(days[-1])}


def pain_chart(pain: Sequence[DailyPain], clinic: Sequence[PainPoint]) -> Chart:
    """Daily pain during and after the exercises (the day's highest), and the clinic's."""
    during = [(p.day, float(p.during)) for p in pain if p.during is not None]
    after = [(p.day, float(p.after)) for p in pain if p.after is not None]
    chart = LineChart(
        chart_id="overview-pain",
        title=_("Pain during and after the exercises, each day (0 none, 10 worst)"),
        low=0,
        high=10,
        levels=(0, 2, 4, 6, 8, 10),
        series=[
            Series(during, PAIN),
            Series(after, SECOND, dashed=True),
            Series([(p.day, float(p.pain)) for p in clinic], CLINIC, marker="square", line=False),
        ],
    )
    description = ""
    if pain:
        latest = pain[-1]
        description = _(
            "%(count)s days logged from %(first)s to %(last)s; on the latest, pain during "
            "%(during)s and after %(after)s."
        ) % {
            **_span([p.day for p in pain]),
            "during": "—" if latest.during is None else latest.during,
            "after": "—" if latest.after is None else latest.after,
        }
    if clinic:
        description += " " + _("%(count)s pain scores at the clinic, the latest %(pain)s.") % {
            "count": len(clinic),
            "pain": clinic[-1].pain,
        }
    return chart.draw(description.strip(), _("No pain logged or scored yet."))


def adherence_chart(weeks: Sequence[WeekAdherence]) -> Chart:
    """Per week of the current program: the share of home days with exercises done."""
    title = _("Days exercised each week (%)")
    shown = [w for w in weeks if w.percent is not None]
    bars = [
        (str(n), float(w.percent or 0), GOOD if (w.percent or 0) >= ADHERENCE_GOOD else LOW)
        for n, w in enumerate(shown, start=1)
    ]
    description = "; ".join(
        _("week %(n)s: %(done)s of %(planned)s days (%(percent)s%%)")
        % {"n": n, "done": w.done_days, "planned": w.planned_days, "percent": w.percent}
        for n, w in enumerate(shown, start=1)
    ) or _("No home training weeks yet.")
    return bar_chart(
        chart_id="overview-adherence",
        title=title,
        description=description,
        bars=bars,
        high=100,
        levels=(0, 50, 100),
    )


def odi_chart(scores: Sequence[OswestryAssessment]) -> Chart:
    """The Oswestry Disability Index (%) at each assessment that can be scored."""
    points = [(s.assessed_on, s.result.percent) for s in scores if s.result is not None]
    chart = LineChart(
        chart_id="overview-odi",
        title=_("Oswestry Disability Index (%; lower is better)"),
        low=0,
        high=100,
        levels=(0, 20, 40, 60, 80, 100),
        series=[Series([(day, float(value)) for day, value in points], PAIN)],
    )
    description = ""
    if points:
        description = _("%(count)s scores from %(first)s to %(last)s; the latest %(value)s%%.") % {
            **_span([day for day, _value in points]),
            "value": points[-1][1],
        }
    return chart.draw(description, _("No Oswestry questionnaire yet."))


def start_back_chart(scores: Sequence[StartBackAssessment]) -> Chart:
    """STarT Back: the total (0 to 9) and the psychosocial subscale (0 to 5)."""
    chart = LineChart(
        chart_id="overview-start-back",
        title=_("STarT Back: total score and psychosocial subscale"),
        low=0,
        high=9,
        levels=(0, 3, 6, 9),
        series=[
            Series([(s.assessed_on, float(s.result.total)) for s in scores], PAIN),
            Series(
                [(s.assessed_on, float(s.result.psychosocial)) for s in scores], SECOND, dashed=True
            ),
        ],
    )
    description = ""
    if scores:
        latest = scores[-1].result
        description = _(
            "%(count)s questionnaires from %(first)s to %(last)s; the latest: total %(total)s, "
            "psychosocial %(psychosocial)s, %(risk)s risk."
        ) % {
            **_span([s.assessed_on for s in scores]),
            "total": latest.total,
            "psychosocial": latest.psychosocial,
            "risk": _(latest.risk),
        }
    return chart.draw(description, _("No STarT Back questionnaire yet."))


# Each test on a scale that holds what people score (a higher value is wider).
FITNESS_SCALES: dict[str, tuple[float, Sequence[float]]] = {
    FitnessTest.Kind.CHAIR_STAND_30S: (30, (0, 10, 20, 30)),
    FitnessTest.Kind.TIMED_UP_AND_GO: (30, (0, 10, 20, 30)),
}


def fitness_charts(tests: Sequence[FitnessTest]) -> list[tuple[str, Chart]]:
    """One chart per kind of fitness test the patient has done: (the test's name, chart)."""
    charts = []
    for kind, label in FitnessTest.Kind.choices:
        done = [t for t in tests if t.kind == kind]
        if not done:
            continue
        high, levels = FITNESS_SCALES[kind]
        top = max(float(t.value) for t in done)
        if top > high:
            step = levels[1] - levels[0]
            high = step * (int(top // step) + 1)
            levels = tuple(step * n for n in range(int(high // step) + 1))
        chart = LineChart(
            chart_id=f"overview-fitness-{kind.replace('_', '-')}",
            title=_(label),
            low=0,
            high=high,
            levels=levels,
            series=[Series([(t.assessed_on, float(t.value)) for t in done], CLINIC)],
        )
        description = _("%(count)s results from %(first)s to %(last)s; the latest %(value)s.") % {
            **_span([t.assessed_on for t in done]),
            "value": done[-1].value,
        }
        charts.append((str(_(label)), chart.draw(description, "")))
    return charts
