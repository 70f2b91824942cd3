"""The card on Today that leads to the questionnaires due (see web.questionnaires)."""

import functools
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from rehab.models import QuestionnaireKind
from rehab.questionnaires.due import Due
from rehab.questionnaires.selectors import questionnaires_due_from, questionnaires_due_sql

# Where Today's cached page takes the card (put in per request, like the notifications link):
# a questionnaire becoming due or answered changes what Today shows without a new stamp.
QUESTIONNAIRES_PLACE = "<!--questionnaires-->"


def today_also() -> tuple[str, ...]:
    """What Today's stamp query reads for the card: no query of its own."""
    return questionnaires_due_sql()


def questionnaire_title(kind: str) -> str:
    return str(QuestionnaireKind(kind).label)


def today_card_html(*, request: HttpRequest, values: tuple[Any, ...], today: date) -> str:
    due = questionnaires_due_from(values=values, today=today)
    if not due:
        return ""
    return _card_html(translation.get_language(), tuple(due))


@functools.lru_cache(maxsize=1024)
def _card_html(language: str, due: tuple[Due, ...]) -> str:
    # The same few cards for everyone (a language, the kinds due and since when): rendered
    # once each, not on every visit of Today, where rendering it was a sixth of the time of
    # a cached page (bench/today_throughput.py, profiled). Nothing in it is the request's.
    rows = [
        (d, questionnaire_title(d.kind), reverse("web:questionnaire", args=[d.kind])) for d in due
    ]
    return render_to_string("web/_questionnaires_card.html", {"rows": rows})
