"""The patient mobile web app: thin views over the planner's selectors and services."""

import functools
import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.html import strip_spaces_between_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.client_ip import client_ip
from exercises.models import Exercise
from exercises.selectors import exercise_illustration_svg, exercise_text
from notifications.records import patient_export_filename, patient_export_json
from notifications.seen import request_is_a_look
from notifications.selectors import (
    notifications_list,
    notifications_unread_count_sql,
    reminder_preferences_get,
)
from notifications.services import (
    PushEndpointTaken,
    calendar_token_reset,
    notifications_mark_read,
    push_subscription_forget,
    push_subscription_register,
    reminder_preferences_update,
)
from planner import selectors, services
from planner.explanations import reasons_text
from planner.handout import handout_response
from planner.selectors import DayStampRead
from planner.selectors.handout import program_handout
from planner.selectors.history import calendar_month
from rehab.models import Patient
from rehab.selectors import clinic_settings, patient_invite_get, red_flags_need_care_today
from web import charts
from web.assets import asset_urls, assets_version, page_inlines_assets
from web.clinic_contact import CLINIC_CONTACT_PLACE, clinic_contact_html
from web.forms import (
    ExerciseLogForm,
    InviteAcceptForm,
    PatientLoginForm,
    PatientPasswordResetForm,
    SettingsForm,
    SymptomCheckForm,
)
from web.questionnaire_card import QUESTIONNAIRES_PLACE, today_also, today_card_html
from web.services import patient_sign_up
from web.templatetags.web_tags import NOTIFICATIONS_PLACE, notifications_link_html
from web.throttles import hourly_count
from web.time_zones import time_zone_choices
from web.today_read import session_day_read

View = Callable[..., HttpResponseBase]


def patient_required(view: Callable[..., HttpResponseBase]) -> View:
    """Only a signed-in patient gets through; clinic staff are shown the way to the admin."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: Any = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('web:login')}?next={request.path}")
        patient = getattr(user, "patient", None)
        if patient is None or user.is_staff:
            return render(request, "web/not_a_patient.html", status=403)
        # Times on the patient's pages are the patient's wall-clock times.
        with timezone.override(ZoneInfo(patient.time_zone)):
            return view(request, patient, *args, **kwargs)

    return wrapper


def _remember_language(response: HttpResponseBase, language: str) -> HttpResponseBase:
    # LocaleMiddleware reads this cookie, so the interface follows the patient's choice
    # on every page without another query.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


class PatientPasswordResetView(PasswordResetView):
    """Django's password reset, at most PASSWORD_RESET_PER_HOUR requests an hour from one
    address and for one email address; beyond that the page says so and sends nothing."""

    form_class = PatientPasswordResetForm
    template_name = "web/password_reset.html"
    email_template_name = "web/email/password_reset.txt"
    subject_template_name = "web/email/password_reset_subject.txt"
    success_url = reverse_lazy("web:password_reset_sent")

    @property
    def extra_email_context(self) -> dict[str, Any]:
        return {"clinic": clinic_settings()}  # the email is signed with its name and phone

    def form_valid(self, form: Any) -> HttpResponse:
        limit = settings.PASSWORD_RESET_PER_HOUR
        from_address = hourly_count(scope="password-reset-address", subject=client_ip(self.request))
        for_email = hourly_count(scope="password-reset-email", subject=form.cleaned_data["email"])
        if from_address > limit or for_email > limit:
            form.add_error(
                None,
                ngettext(
                    "Too many password reset requests: at most %(limit)d request an hour. "
                    "Try again later, or ask your clinic.",
                    "Too many password reset requests: at most %(limit)d requests an hour. "
                    "Try again later, or ask your clinic.",
                    limit,
                )
                % {"limit": limit},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PatientLoginView(LoginView):
    template_name = "web/login.html"
    authentication_form = PatientLoginForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        return reverse("web:today")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        language = form.get_user().patient.language
        translation.activate(language)
        _remember_language(response, language)
        return response


@require_http_methods(["GET", "POST"])
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the clinic: choose a user name and password, then straight to Today."""
    try:
        invite = patient_invite_get(token=token)
    except ValidationError as error:
        return render(request, "web/invite_invalid.html", {"error": error.messages[0]}, status=410)
    patient = invite.patient
    existing = patient.user
    initial = {"username": existing.get_username() if existing else _suggest_username(patient)}
    form = InviteAcceptForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = patient_sign_up(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            login(request, user, backend="rehab.auth.UserWithRecordsBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("web:today")
    return render(
        request,
        "web/invite.html",
        {"form": form, "patient": patient, "has_login": existing is not None},
        status=400 if form.errors else 200,
    )


def _suggest_username(patient: Patient) -> str:
    if patient.email:
        return patient.email.lower()
    return f"{patient.first_name}.{patient.last_name}".lower().replace(" ", "")


def _add_errors(form: Any, error: ValidationError) -> None:
    """Put a service's field errors on the form; unknown fields become form-wide errors."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages_ in error.message_dict.items():
        # The log form is one entry of the service's list: "entries[0].pain_during" is its field.
        field = key.removeprefix("entries[0].")
        form.add_error(field if field in form.fields else None, messages_)


# -- Today and exercises ------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("web:today")


# Stand in for the CSRF token and the messages in the cached Today page; each response puts
# its own there.
CSRF_PLACEHOLDER = "csrf-token-placeholder-9c1f"
MESSAGES_PLACE = "<!--messages-->"


def log_client_key(patient: Patient, day: date, slug: str) -> str:
    """The idempotency key of one exercise's log on one day, the same in every render.

    Whatever sends it, twice or from two tabs, it is stored once; a log of the same
    exercise and day is refused anyway. Keyed with the site's secret, so nobody can
    take another patient's key first.
    """
    return "w" + salted_hmac("web.log_client_key", f"{patient.pk}:{day}:{slug}").hexdigest()[:40]


def _today_page(request: HttpRequest, day: selectors.PatientDay) -> str:
    """The whole Today page, with places for the token and messages of each request."""
    cards = [
        (
            entry,
            ExerciseLogForm(
                initial={
                    "client_key": log_client_key(day.patient, day.day, entry.item.exercise.slug),
                    "day": day.day,
                    "exercise": entry.item.exercise.slug,
                },
                auto_id=f"id_{entry.item.exercise.slug}_%s",
            ),
        )
        for entry in day.home
    ]
    context = {
        "day": day,
        "cards": cards,
        "clinician": day.patient.clinician,
        "exercise_urls": [
            reverse("web:exercise", args=[entry.item.exercise.slug]) for entry in day.home
        ],
        # What the context processors would give, less the parts of one request.
        "request": request,
        "user": request.user,
        "csrf_token": CSRF_PLACEHOLDER,
        "messages": None,
        "notifications_deferred": True,
    }
    # Rendered once, sent many times: the indentation between tags goes.
    return strip_spaces_between_tags(render_to_string("web/today.html", context))


@functools.cache
def _today_also() -> tuple[str, ...]:
    # The header's unread count and the questionnaires due, read with the day's stamp:
    # no query of their own.
    return (notifications_unread_count_sql(user_column="p.user_id"), *today_also())


# The places of a cached Today page that each request fills in.
TODAY_PLACES = (
    CSRF_PLACEHOLDER,
    MESSAGES_PLACE,
    NOTIFICATIONS_PLACE,
    QUESTIONNAIRES_PLACE,
    CLINIC_CONTACT_PLACE,
)
_TODAY_PLACES_PATTERN = re.compile("(" + "|".join(map(re.escape, TODAY_PLACES)) + ")")


def today_page_parts(page: str) -> tuple[bytes | str, ...]:
    """The page as it is kept: the text between its places, already encoded (bytes), and
    the places' names (str) in between. Each request then joins the parts with its own
    values once, instead of searching the whole page for each place and encoding it again
    (a third of a cached page's time in Python, bench/today_throughput.py profiled)."""
    return tuple(
        part if index % 2 else part.encode()
        for index, part in enumerate(_TODAY_PLACES_PATTERN.split(page))
    )


@require_GET
def today(request: HttpRequest) -> HttpResponseBase:
    """Today, the page opened most: kept whole until something it shows changes.

    A signed-in patient's session, user and day are read in one query (`session_day_read`).
    """
    read = session_day_read(request, also=_today_also())
    return _today(request, read=read)


@patient_required
def _today(request: HttpRequest, patient: Patient, *, read: DayStampRead | None) -> HttpResponse:
    parts, also = selectors.patient_day_cached_and(
        patient=patient,
        # The page names the assets by their hashed URLs: a deploy that changes them
        # renders it again. A phone without the service worker's copies gets the page that
        # carries them inside (web.assets).
        variant=(
            f"web-parts:{translation.get_language()}:{'|'.join(asset_urls().values())}"
            f":{'inline' if page_inlines_assets(request) else 'linked'}"
        ),
        render=lambda day: today_page_parts(_today_page(request, day)),
        also=_today_also(),
        read=read,
    )
    unread, questionnaires = also[0], also[1:]
    fills: dict[str, Callable[[], str]] = {
        CSRF_PLACEHOLDER: functools.partial(get_token, request),
        MESSAGES_PLACE: lambda: _messages_html(request),
        NOTIFICATIONS_PLACE: lambda: notifications_link_html(request=request, unread=unread),
        QUESTIONNAIRES_PLACE: lambda: today_card_html(
            request=request,
            values=questionnaires,
            today=selectors.patient_local_today(patient=patient),
        ),
        # A paused day tells the patient to call: the clinic's phone is put in per request.
        CLINIC_CONTACT_PLACE: lambda: clinic_contact_html(request=request),
    }
    filled: dict[str, bytes] = {}
    body = []
    for part in parts:
        if isinstance(part, bytes):
            body.append(part)
        else:
            if part not in filled:
                filled[part] = fills[part]().encode()
            body.append(filled[part])
    return HttpResponse(b"".join(body))


def _messages_html(request: HttpRequest) -> str:
    storage = messages.get_messages(request)
    return render_to_string("web/_messages.html", {"messages": storage}) if storage else ""


@require_POST
@patient_required
def log_exercise(request: HttpRequest, patient: Patient) -> HttpResponseBase:
    """Store one exercise of a day. Answers JSON to the app's script, a redirect otherwise."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = ExerciseLogForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _log, created = services.session_log_record(
                patient=patient,
                day=data["day"],
                client_key=data["client_key"],
                entries=[
                    services.LogEntry(
                        exercise_slug=data["exercise"],
                        done=data["done"],
                        pain_during=data["pain_during"],
                        pain_after=data["pain_after"],
                        difficulty=data["difficulty"],
                        note=data["note"],
                    )
                ],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if wants_json:
                return JsonResponse(
                    {"stored": True, "created": created}, status=201 if created else 200
                )
            messages.success(request, _("Saved. Well done!") if data["done"] else _("Saved."))
            return redirect("web:today")
    errors = {field: [str(m) for m in msgs] for field, msgs in form.errors.items()}
    if wants_json:
        return JsonResponse({"stored": False, "errors": errors}, status=400)
    for field, msgs in errors.items():
        label = form.fields[field].label if field in form.fields else None
        for message in msgs:
            messages.error(request, f"{label}: {message}" if label else message)
    return redirect("web:today")


@require_GET
@patient_required
def exercise(request: HttpRequest, patient: Patient, slug: str) -> HttpResponse:
    item = selectors.patient_program_exercise(patient=patient, slug=slug)
    if item is None:
        raise Http404
    # In the patient's language: the translation's texts, the exercise's own elsewhere.
    text = exercise_text(exercise=item.exercise)
    # Why it is in the program, in the patient's language and plain words (no factors); a
    # clinician's own note as it was written.
    why = reasons_text(item.explanation, language=patient.language, patient=True)
    return render(request, "web/exercise.html", {"item": item, "exercise": text, "why": why})


@require_GET
@patient_required
@cache_control(private=True, max_age=86400)
def illustration(request: HttpRequest, patient: Patient, slug: str, phase: str) -> HttpResponse:
    exercise = Exercise.objects.filter(slug=slug).first()
    if exercise is None or phase not in ("start", "end"):
        raise Http404
    return HttpResponse(
        exercise_illustration_svg(exercise=exercise, phase=phase),
        content_type="image/svg+xml; charset=utf-8",
    )


@require_GET
@patient_required
def handout(request: HttpRequest, patient: Patient) -> HttpResponse:
    """The patient's current program as a PDF to print, in their language."""
    program = selectors.patient_current_program(patient=patient)
    if program is None:
        raise Http404
    return handout_response(
        program_handout(program=program, app_url=request.build_absolute_uri(reverse("web:home")))
    )


# -- History, progress ---------------------------------------------------------------------------


@require_GET
@patient_required
def history(request: HttpRequest, patient: Patient) -> HttpResponse:
    today_ = selectors.patient_local_today(patient=patient)
    try:
        month = calendar_month(text=request.GET.get("month", ""), today=today_)
    except ValueError:
        # A hand-edited or stale link (0001-01, 9999-12, 2026-13): say so, offer this month.
        return render(
            request,
            "web/history_invalid.html",
            {"error": _("There is no calendar for that month.")},
            status=400,
        )
    next_month = (month + timedelta(days=32)).replace(day=1)
    days = selectors.patient_calendar(
        patient=patient, first=month, last=next_month - timedelta(days=1)
    )
    return render(
        request,
        "web/history.html",
        {
            "month": month,
            "weeks": charts.month_grid(month, {d.day: d for d in days}),
            "previous": (month - timedelta(days=1)).strftime("%Y-%m"),
            "next": next_month.strftime("%Y-%m"),
            "today": today_,
            "sessions": [mark for d in days for mark in d.clinic_sessions],
        },
    )


@require_GET
@patient_required
def progress(request: HttpRequest, patient: Patient) -> HttpResponse:
    data = selectors.patient_progress(patient=patient)
    return render(
        request,
        "web/progress.html",
        {
            "progress": data,
            "pain_chart": charts.pain_chart(data.pain),
            "adherence_chart": charts.adherence_chart(data.adherence),
            "odi": data.odi.result if data.odi else None,
            "odi_date": data.odi.assessed_on if data.odi else None,
        },
    )


# -- Notifications -------------------------------------------------------------------------------

NOTIFICATIONS_PER_PAGE = 20


def _app_link(link: str) -> str:
    # Only a path on this site: a notification never sends the patient elsewhere.
    return link if link.startswith("/") and not link.startswith("//") else ""


@require_GET
@patient_required
def notifications(request: HttpRequest, patient: Patient) -> HttpResponse:
    """The patient's notifications, newest first. Seeing a page marks it read, and every
    older one with it; what arrives after the page was made stays unread."""
    page = Paginator(notifications_list(user=request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # Read before marking: the page shows which of them were new to the patient.
    rows = [{"notification": n, "new": n.read_at is None, "link": _app_link(n.link)} for n in page]
    if rows and request_is_a_look(request):  # a prefetch of the page marks nothing
        notifications_mark_read(user=request.user, up_to=max(n.pk for n in page))
    return render(request, "web/notifications.html", {"page": page, "rows": rows})


# -- Symptom check, settings ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@patient_required
def symptoms(request: HttpRequest, patient: Patient) -> HttpResponse:
    form = SymptomCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = form.cleaned_data["symptoms"]
        if not codes:
            return render(request, "web/symptoms_clear.html")
        services.symptom_red_flag_report(
            patient=patient, codes=codes, note=form.cleaned_data["note"]
        )
        same_day = red_flags_need_care_today(codes=codes)
        return render(
            request,
            "web/symptoms_urgent.html",
            {"same_day": same_day, "clinician": patient.clinician, "clinic": clinic_settings()},
        )
    return render(request, "web/symptoms.html", {"form": form})


@require_http_methods(["GET", "POST"])
@patient_required
def settings_view(request: HttpRequest, patient: Patient) -> HttpResponseBase:
    preferences = reminder_preferences_get(patient=patient)
    initial = {
        "reminder_time": patient.reminder_time,
        "time_zone": patient.time_zone,
        "quiet_start": preferences.quiet_start,
        "quiet_end": preferences.quiet_end,
        "email": preferences.email,
        "push": preferences.push,
        "language": patient.language,
    }
    form = SettingsForm(
        request.POST or None,
        initial=initial,
        zone_choices=time_zone_choices(current=patient.time_zone, at=timezone.now()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            reminder_preferences_update(patient=patient, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            translation.activate(patient.language)
            messages.success(request, _("Settings saved."))
            return _remember_language(redirect("web:settings"), patient.language)
    calendar_url = (
        request.build_absolute_uri(reverse("calendar-feed", args=[preferences.calendar_token]))
        if preferences.pk
        else None
    )
    return render(
        request,
        "web/settings.html",
        {
            "form": form,
            "calendar_url": calendar_url,
            "vapid_public_key": settings.VAPID_PUBLIC_KEY,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@patient_required
def calendar_reset(request: HttpRequest, patient: Patient) -> HttpResponse:
    calendar_token_reset(patient=patient)
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("web:settings")


@require_GET
@patient_required
def settings_export(request: HttpRequest, patient: Patient) -> HttpResponse:
    """The patient's own data as a JSON file: everything the clinic keeps about them."""
    response = HttpResponse(
        patient_export_json(patient=patient), content_type="application/json; charset=utf-8"
    )
    filename = patient_export_filename(patient=patient)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@patient_required
def push_subscribe(request: HttpRequest, patient: Patient) -> JsonResponse:
    """The service worker's subscription, checked as the API checks it (same service):
    400 with field messages; 409 when the endpoint is another account's (left theirs)."""
    try:
        push_subscription_register(
            user=request.user,
            endpoint=request.POST.get("endpoint", ""),
            p256dh=request.POST.get("p256dh", ""),
            auth=request.POST.get("auth", ""),
        )
    except PushEndpointTaken as taken:
        return JsonResponse({"errors": taken.message_dict}, status=409)
    except ValidationError as error:
        return JsonResponse({"errors": error.message_dict}, status=400)
    return JsonResponse({"subscribed": True}, status=201)


class PatientLogoutView(auth_views.LogoutView):
    """Django's sign-out, which first forgets the push endpoint of this browser when the
    page sends it (app.js reads it from the service worker and unsubscribes): the next
    person on a shared phone gets no reminders of the one who signed out, and may turn
    on their own."""

    next_page = "web:login"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            push_subscription_forget(
                user=request.user, endpoint=request.POST.get("push_endpoint", "")
            )
        return super().post(request, *args, **kwargs)


# -- Installable app -----------------------------------------------------------------------------


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    return render(request, "web/manifest.webmanifest", content_type="application/manifest+json")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    # Served from /app/ (not /static/) so that it may control every page of the app, and
    # checked again on every visit (no-cache): a deploy's new version is found at once.
    context = {"version": assets_version(), "assets": json.dumps(asset_urls())}
    response = render(request, "web/sw.js", context, content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "web/offline.html")
