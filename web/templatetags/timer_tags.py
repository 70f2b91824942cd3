"""Template helpers of the guided session timer (web/timer.py)."""

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from web.timer import TimerPlan, timer_plan, timer_words

register = template.Library()


@register.filter(name="timer_plan")
def timer_plan_filter(item: object) -> TimerPlan | None:
    """The guided session of a program exercise (None: nothing to time)."""
    return timer_plan(item)


@register.simple_tag
def timer_words_script() -> SafeString:
    """The timer's words in the reader's language, once per page, as a JSON script tag."""
    return json_script(timer_words(), "timer-words")
