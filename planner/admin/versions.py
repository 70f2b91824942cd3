"""Program versions and a draft's exercises, edited through the planner's services."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from planner import services
from planner.admin.shared import OwnProgramsMixin, SaveWhereEditableMixin, errors
from planner.engine.types import Dose
from planner.models import (
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
)

DOSE_KEYS = ("sets", "reps", "hold_s", "duration_s")


class ProgramExerciseFormSet(forms.BaseInlineFormSet):
    """A draft's doses are held to the same bounds as the services hold every change to."""

    def clean(self) -> None:
        super().clean()
        rows: dict[str, tuple[forms.Form, ProgramExercise]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            exercise = data.get("exercise")
            if exercise is None or data.get("DELETE"):
                continue
            dose = Dose(*(data.get(key) or 0 for key in DOSE_KEYS))
            problems = services.dose_problems(exercise, dose, "dose")
            for message in problems.values():
                form.add_error(None, message)
            if not problems:
                row = ProgramExercise(
                    exercise=exercise,
                    sets=dose.sets,
                    reps=dose.reps,
                    hold_s=dose.hold_s,
                    duration_s=dose.duration_s,
                    supervised_only=bool(data.get("supervised_only")),
                )
                rows[exercise.slug] = (form, row)
        # The same check of the rules in force as every other change (planner.safety).
        if rows and self.instance is not None and self.instance.pk:
            program = self.instance.program
            refused = services.draft_exercises_check(
                program=program, rows=[row for _, row in rows.values()]
            )
            for slug, messages_ in refused.items():
                for message in messages_:
                    rows[slug][0].add_error(None, message)


class ProgramExerciseInline(admin.TabularInline):
    model = ProgramExercise
    formset = ProgramExerciseFormSet
    extra = 0
    fields = (
        "position",
        "exercise",
        "sets",
        "reps",
        "hold_s",
        "duration_s",
        "state",
        "supervised_only",
    )
    autocomplete_fields = ("exercise",)
    ordering = ("position",)

    def _is_draft(self, obj: Any) -> bool:
        return obj is not None and obj.program.status == ProgramStatus.DRAFT

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A draft is edited in place; an approved program changes only by new versions.
        return ("state",) if self._is_draft(obj) else tuple(self.fields)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_draft(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_draft(obj) and super().has_delete_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgramExercise]:
        return super().get_queryset(request).select_related("exercise")


@admin.register(ProgramVersion)
class ProgramVersionAdmin(SaveWhereEditableMixin, OwnProgramsMixin, admin.ModelAdmin):
    list_display = ("program", "number", "note", "created_at")
    list_select_related = ("program__patient",)
    readonly_fields = ("program", "number", "note", "diff", "plan_status", "created_by")
    fields = readonly_fields
    inlines = (ProgramExerciseInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgramVersion]:
        return self.restrict(request, super().get_queryset(request)).select_related("program")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not ProgramExercise:
            super().save_formset(request, form, formset, change)
            return
        # The draft's rows are written by the service, under the same checks as every change.
        saved = formset.save(commit=False)
        try:
            services.draft_exercises_save(
                version=form.instance, saved=saved, deleted=formset.deleted_objects, by=request.user
            )
        except ValidationError as error:
            self.message_user(request, errors(error), messages.ERROR)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
