"""Template helpers of the patient app: doses and times in the reader's language, the
notifications link with its unread count."""

import functools
from typing import Any
from urllib.parse import quote

from django import template
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from exercises.demonstrations import exercise_demo_svg
from exercises.selectors import ExerciseText, exercise_name_of, exercise_text
from notifications.selectors import notifications_unread_count
from planner.dose_words import dose_words
from web.assets import asset_urls, inline_stylesheet, page_inlines_assets

register = template.Library()

# Where a page kept whole in the cache (Today) has its notifications link, put in per request.
NOTIFICATIONS_PLACE = "<!--notifications-link-->"
# The badge shows at most this; the link's label says the whole number.
BADGE_MAX = 99


def notifications_link_html(*, request: HttpRequest, unread: int | None = None) -> str:
    """The header's link to the notifications, with the signed-in person's unread count
    (`unread` when the caller read it already, else one query)."""
    url = _notifications_url()
    if unread is None:
        unread = notifications_unread_count(user=request.user)
    return _notifications_link(translation.get_language(), url, request.path == url, unread)


@functools.cache
def _notifications_url() -> str:
    return reverse("web:notifications")


@functools.lru_cache(maxsize=1024)
def _notifications_link(language: str, url: str, current: bool, unread: int) -> str:
    # The same few links for everyone (a language, a count): rendered once each, not on
    # every page, whose cached Today spent a tenth of its time here.
    context = {
        "url": url,
        "current": current,
        "unread": unread,
        "badge": f"{BADGE_MAX}+" if unread > BADGE_MAX else str(unread),
    }
    return render_to_string("web/_notifications_link.html", context)


@register.simple_tag(takes_context=True)
def notifications_link(context: Any) -> SafeString:
    """The notifications link; on a page rendered for the cache, the place where each
    response puts it."""
    if context.get("notifications_deferred"):
        return mark_safe(NOTIFICATIONS_PLACE)
    return mark_safe(notifications_link_html(request=context["request"]))


@register.simple_tag(takes_context=True)
def inlines_assets(context: Any) -> bool:
    """Whether this page carries its stylesheet and first picture inside it (web.assets)."""
    request = context.get("request")
    return request is not None and page_inlines_assets(request)


@register.simple_tag(takes_context=True)
def app_stylesheet(context: Any) -> SafeString:
    """The app's stylesheet: inside the page for a phone that does not hold it yet, else a
    link to it (which the service worker serves from its cache)."""
    if inlines_assets(context):
        return mark_safe(f"<style>{inline_stylesheet().text}</style>")
    return format_html('<link rel="stylesheet" href="{}">', asset_urls()["web/app.css"])


# What a data: URL may carry as it is; the rest of the picture is percent-encoded ("#" would
# end the URL, quotes the attribute).
_DATA_URL_SAFE = " /:=;,.-_()"


@register.simple_tag
def demonstration_data_url(exercise: Any) -> str:
    """The exercise's animated demonstration as a data: URL, for the first picture of a page
    that carries it inside (no round trip before it can be drawn)."""
    svg = exercise_demo_svg(exercise=exercise, still=False)
    return "data:image/svg+xml;charset=utf-8," + quote(svg, safe=_DATA_URL_SAFE)


@register.filter
def dose(item: object) -> str:
    """A program exercise's dose in words: "2 sets of 10 repetitions, hold each for 5 s"
    (the wording lives in the planner, which the printed handout uses too)."""
    return dose_words(item)


@register.filter
def localised(exercise: Any) -> ExerciseText:
    """The exercise in the reader's language (its translation's name, summary, steps and
    safety notes, else its own), standing in for the exercise everywhere else."""
    return exercise_text(exercise=exercise)


@register.filter
def exercise_name(exercise: Any) -> str:
    """The exercise's name in the reader's language."""
    return exercise_text(exercise=exercise).name


@register.filter
def activity_name(activity: dict[str, Any]) -> str:
    """The name of the day's walk (a program version keeps it as text) in the reader's
    language."""
    return exercise_name_of(slug=activity.get("slug", ""), default=activity.get("name", ""))
