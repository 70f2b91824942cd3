"""The doctor's page for one patient: the program and where it stands, charts of pain,
adherence, questionnaires and fitness over time, the day-by-day home log with the
patient's notes, the clinic sessions, the alerts and the program's versions.

Reached from the patient list and the patient's page (PatientAdmin.get_urls); only the
patient's clinician and superusers see it, as the patient page itself (anyone else: not
found). A fixed number of queries, however long the history.
"""

from collections import Counter
from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from planner import selectors
from planner.explanations import kept_reasons_text
from planner.models import EventKind, PatientEvent, Program, ProgramStatus, SupervisedStatus
from rehab.models import Patient
from workspace import charts


def overview_url(patient: Patient) -> str:
    return reverse("admin:rehab_patient_overview", args=[patient.pk])


@admin.display(description="overview")
def overview_link(obj: Patient) -> str:
    """The patient list's link to the overview."""
    return format_html('<a href="{}">{}</a>', overview_url(obj), _("Overview"))


def _asked_days(request: HttpRequest, today: date) -> selectors.LogRange:
    """The home log's days: DEFAULT_LOG_DAYS up to `?to=` (the patient's today without it).
    A day that is no day, or out of range, is said so, and the latest days are shown."""
    text = request.GET.get("to", "")
    try:
        last = date.fromisoformat(text) if text else None
        return selectors.log_range(today=today, last=last)
    except (ValueError, ValidationError):
        messages.error(
            request,
            _("The home log cannot show %(day)s; here are the latest days.") % {"day": text[:20]},
        )
        return selectors.log_range(today=today)


def _program_stage(program: Program | None) -> str:
    """Where the program stands, in plain words."""
    if program is None:
        return _("No program yet.")
    if program.status == ProgramStatus.DRAFT:
        return _("Draft waiting for approval.")
    if program.status == ProgramStatus.COMPLETED:
        return _("Completed on %(day)s.") % {"day": program.end_date.isoformat()}
    if program.home_started_on is not None:
        return _("Home training since %(day)s.") % {"day": program.home_started_on.isoformat()}
    return _(
        "Supervised sessions at the clinic; home training starts once the exercises are mastered."
    )


def _event_detail(event: PatientEvent) -> str:
    context = event.context or {}
    if event.kind == EventKind.PAIN_HIGH and "pain" in context:
        return _("Pain %(pain)s/10 logged.") % {"pain": context["pain"]}
    if event.kind == EventKind.DAYS_MISSED and "days" in context:
        return _("%(days)s home days missed in a row.") % {"days": context["days"]}
    return kept_reasons_text(context)  # the engine's reasons, in the doctor's language


def _pages(days: selectors.LogRange, today: date) -> dict[str, str]:
    """The links to older and newer days of the home log (newer only up to today)."""
    links = {"older": days.before().last.isoformat()}
    if days.last < today:
        newer = min(days.after().last, today)
        links["newer"] = "" if newer == today else newer.isoformat()
    return links


def patient_overview_view(
    model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    patient = model_admin.get_object(request, object_id)
    if patient is None or not model_admin.has_view_permission(request, patient):
        raise Http404
    today = selectors.patient_local_today(patient=patient)
    days = _asked_days(request, today)
    data = selectors.patient_overview(patient=patient, days=days)
    program = data.program
    statuses = Counter(session.status for session in data.sessions)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Overview: %(patient)s") % {"patient": patient.full_name},
        "opts": model_admin.model._meta,
        "original": patient,
        "patient": patient,
        "today": today,
        "data": data,
        "stage": _program_stage(program),
        "program_url": (
            reverse("admin:planner_program_change", args=[program.pk]) if program else ""
        ),
        "change_url": reverse("admin:rehab_patient_change", args=[patient.pk]),
        "care_url": reverse("admin:rehab_patient_care_record", args=[patient.pk]),
        "pain_chart": charts.pain_chart(data.pain, data.clinic_pain),
        "pain_rows": list(reversed(data.pain)),
        "clinic_pain_rows": list(reversed(data.clinic_pain)),
        "adherence_chart": charts.adherence_chart(data.adherence),
        "adherence_rows": [
            (n, week) for n, week in enumerate(data.adherence, start=1) if week.percent is not None
        ],
        "odi_chart": charts.odi_chart(data.odi),
        "start_back_chart": charts.start_back_chart(data.start_back),
        "fitness_charts": charts.fitness_charts(data.fitness),
        "session_counts": {
            "planned": statuses[SupervisedStatus.PLANNED],
            "done": statuses[SupervisedStatus.DONE],
            "missed": statuses[SupervisedStatus.MISSED],
            "cancelled": statuses[SupervisedStatus.CANCELLED],
        },
        "events": [(event, _event_detail(event)) for event in data.events],
        "pages": _pages(days, today),
    }
    return TemplateResponse(request, "admin/rehab/patient/overview.html", context)
