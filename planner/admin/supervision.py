"""Supervised sessions at the clinic: recording one, with each exercise's technique."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _lazy

from planner import selectors, services
from planner.admin.shared import OwnProgramsMixin, errors
from planner.admin.versions import DOSE_KEYS
from planner.engine.types import Dose
from planner.models import (
    SupervisedSession,
)
from rehab.selectors import clinic_settings


class SupervisedEntryForm(forms.Form):
    """One exercise's row of the session form. Each field's label is its column's heading
    and, with the exercise's name, the label of its input (supervised_record.html)."""

    program_exercise_id = forms.IntegerField(widget=forms.HiddenInput)
    technique = forms.TypedChoiceField(
        label=_lazy("Technique"),
        choices=[("", _lazy("not practised"))] + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    sets = forms.IntegerField(label=_lazy("Sets"), min_value=1, required=False)
    reps = forms.IntegerField(label=_lazy("Reps"), min_value=0, required=False)
    hold_s = forms.IntegerField(label=_lazy("Hold (s)"), min_value=0, required=False)
    duration_s = forms.IntegerField(label=_lazy("Duration (s)"), min_value=0, required=False)
    swap_to_easier = forms.BooleanField(label=_lazy("Easier variant"), required=False)
    mastered = forms.BooleanField(label=_lazy("Mastered"), required=False)
    note = forms.CharField(label=_lazy("Note"), max_length=300, required=False)


SupervisedEntryFormSet = forms.formset_factory(SupervisedEntryForm, extra=0)


@admin.register(SupervisedSession)
class SupervisedSessionAdmin(OwnProgramsMixin, admin.ModelAdmin):
    list_display = ("when", "patient", "number", "status", "record_link")
    list_filter = ("status",)
    list_select_related = ("program__patient",)
    date_hierarchy = "scheduled_for"
    search_fields = ("program__patient__first_name", "program__patient__last_name")
    readonly_fields = ("program", "number", "when", "recorded_by", "recorded_at", "seen")
    fields = (
        "program",
        "number",
        "when",
        "status",
        "recorded_by",
        "recorded_at",
        "note",
        "seen",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[SupervisedSession]:
        return self.restrict(request, super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="patient")
    def patient(self, obj: SupervisedSession) -> str:
        return str(obj.program.patient)

    @admin.display(description=_lazy("time at the clinic"), ordering="scheduled_for")
    def when(self, obj: SupervisedSession) -> str:
        """The wall-clock time at the clinic, the one the patient is told, whatever zone the
        server runs in (the clinic's zone; the patient's until the clinic has set one)."""
        zone = clinic_settings().session_zone(obj.program.patient.time_zone)
        return formats.date_format(timezone.localtime(obj.scheduled_for, zone), "D j M Y, H:i")

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # The date hierarchy's days are the clinic's days.
        clinic = clinic_settings()
        if not clinic.time_zone:
            return super().changelist_view(request, extra_context)
        with timezone.override(clinic.time_zone):
            response = super().changelist_view(request, extra_context)
            if isinstance(response, TemplateResponse):
                response.render()
            return response

    @admin.display(description="")
    def record_link(self, obj: SupervisedSession) -> str:
        if obj.status != "planned":
            return ""
        url = reverse("admin:planner_supervisedsession_record", args=[obj.pk])
        return format_html('<a href="{}">Record</a>', url)

    @admin.display(description="what the specialist saw")
    def seen(self, obj: SupervisedSession) -> str:
        return format_html_join(
            "",
            "<div>{}: technique {}/5{}{}{}</div>",
            (
                (
                    r.program_exercise.exercise.name,
                    r.technique,
                    ", swapped to the easier variant" if r.swapped_to_easier else "",
                    ", mastered" if r.mastered else "",
                    f" - {r.note}" if r.note else "",
                )
                for r in obj.records.select_related("program_exercise__exercise")
            ),
        )

    def get_urls(self) -> list[URLPattern]:
        record = path(
            "<int:session_id>/record/",
            self.admin_site.admin_view(self.record_view),
            name="planner_supervisedsession_record",
        )
        return [record, *super().get_urls()]

    def record_view(self, request: HttpRequest, session_id: int) -> HttpResponse:
        session = get_object_or_404(
            self.get_queryset(request).select_related("program__patient"), pk=session_id
        )
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        version = selectors.program_current_version(program=session.program)
        items = selectors.program_exercises(version=version)
        initial = [
            {"program_exercise_id": i.pk, **{k: getattr(i, k) for k in DOSE_KEYS}} for i in items
        ]
        formset = SupervisedEntryFormSet(request.POST or None, initial=initial)
        error = ""
        if request.method == "POST" and formset.is_valid():
            by_id = {i.pk: i for i in items}
            entries = []
            for data in formset.cleaned_data:
                if data.get("technique") is None:
                    continue
                item = by_id.get(data["program_exercise_id"])
                dose = Dose(*(data.get(k) or 0 for k in DOSE_KEYS))
                changed = item is not None and dose != item.dose
                entries.append(
                    services.SupervisedEntry(
                        program_exercise_id=data["program_exercise_id"],
                        technique=data["technique"],
                        dose=dose if changed else None,
                        swap_to_easier=data["swap_to_easier"],
                        mastered=data["mastered"],
                        note=data["note"],
                    )
                )
            try:
                services.supervised_session_record(
                    session=session, by=request.user, entries=entries
                )
            except ValidationError as problem:
                error = errors(problem)
            else:
                self.message_user(request, f"{session} recorded.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:planner_program_change", args=[session.program_id])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Record {session} for {session.program.patient}",
            "session": session,
            "rows": list(zip(items, formset.forms, strict=True)),
            "formset": formset,
            "error": error,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/planner/supervised_record.html", context)
