"""The doctors' admin for programs: generate, edit, approve, pause, supervise, review.

Every change goes through planner.services; the admin only collects input and
shows results, so the rules are the same here as in the API.
"""

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join

from planner import selectors, services
from planner.engine.serialize import dose_text
from planner.engine.types import Dose
from planner.models import (
    ContraindicationRule,
    Program,
    ProgramExercise,
    ProgramStatus,
    ProgramVersion,
    ReviewItem,
    ReviewProposal,
    SupervisedSession,
)
from rehab.models import Patient
from rehab.selectors import patient_visible_to


def _errors(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
    return " ".join(error.messages)


def _why(explanation: Sequence[dict[str, str]]) -> str:
    return format_html_join(
        "", "<div><code>{}</code> {}</div>", ((r["rule"], r["text"]) for r in explanation)
    )


@admin.register(ContraindicationRule)
class ContraindicationRuleAdmin(admin.ModelAdmin):
    list_display = ("rule_id", "explanation", "block_tags", "caution_tags", "is_active")
    list_filter = ("is_active", "caution_action")
    search_fields = ("rule_id", "explanation")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Plans cite rules by id: an id never changes once a rule exists.
        return ("rule_id",) if obj is not None else ()


class OwnProgramsMixin:
    """Clinicians see only their own patients' programs (superusers see all)."""

    program_path = "program"

    def restrict(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        patients = patient_visible_to(user=request.user)
        return queryset.filter(**{f"{self.program_path}__patient__in": patients})


@admin.register(Program)
class ProgramAdmin(OwnProgramsMixin, admin.ModelAdmin):
    list_display = (
        "patient",
        "status",
        "start_date",
        "weeks",
        "home_started_on",
        "progression_flag",
    )
    list_filter = ("status",)
    search_fields = ("patient__first_name", "patient__last_name")
    list_select_related = ("patient",)
    actions = ("approve", "resume", "complete", "resume_progression")
    fields = (
        "patient",
        "status",
        "start_date",
        "weeks",
        "supervised_per_week",
        "supervised_course_length",
        "home_started_on",
        "approved_by",
        "approved_at",
        "paused_reason",
        "progression_paused_reason",
        "current_version",
        "schedule",
        "history",
    )

    def restrict(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(patient__in=patient_visible_to(user=request.user))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Program]:
        return self.restrict(request, super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # programs are generated from the patient list, never typed in

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        editable = ("start_date", "weeks", "supervised_per_week", "supervised_course_length")
        if obj is not None and obj.status == ProgramStatus.DRAFT:
            return tuple(f for f in self.fields if f not in editable)
        return self.fields

    @admin.display(description="progression")
    def progression_flag(self, obj: Program) -> str:
        return "paused: needs review" if obj.progression_paused_reason else "-"

    @admin.display(description="current version")
    def current_version(self, obj: Program) -> str:
        version = selectors.program_current_version(program=obj)
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    item.position,
                    item.exercise.name,
                    item.dose_text,
                    item.get_state_display() + (" (clinic only)" if item.supervised_only else ""),
                    _why(item.explanation),
                )
                for item in selectors.program_exercises(version=version)
            ),
        )
        url = reverse("admin:planner_programversion_change", args=[version.pk])
        reasons = _why(version.plan_reasons)
        activity = version.activity or {}
        return format_html(
            '<p><a href="{}">Version {}</a> ({}): {}</p><table><tr><th>#</th><th>Exercise</th>'
            "<th>Dose</th><th>State</th><th>Why</th></tr>{}</table>"
            "<p><strong>Daily activity, apart from the session:</strong> {}</p>"
            "<details><summary>Advice given with the plan</summary>{}</details>"
            "<details><summary>Planner status {} and the rules applied</summary>{}</details>",
            url,
            version.number,
            version.created_at.strftime("%Y-%m-%d"),
            version.note,
            rows,
            activity.get("text", "none"),
            _why(version.advice),
            version.plan_status,
            reasons,
        )

    @admin.display(description="schedule")
    def schedule(self, obj: Program) -> str:
        if obj.status == ProgramStatus.DRAFT:
            return "Laid out when the program is approved."
        days = selectors.program_schedule(program=obj)
        zone = ZoneInfo(obj.patient.time_zone)  # clinic times as the patient's clock shows them
        return format_html(
            "<table><tr><th>Day</th><th>At home</th><th>At the clinic</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        day.day.strftime("%a %Y-%m-%d"),
                        ", ".join(i.exercise.name for i in day.home)
                        or "- (next: supervised session)",
                        ", ".join(
                            f"#{s.number} {s.scheduled_for.astimezone(zone):%H:%M} "
                            f"({s.get_status_display()})"
                            for s in day.supervised
                        ),
                    )
                    for day in days
                ),
            ),
        )

    @admin.display(description="versions")
    def history(self, obj: Program) -> str:
        return format_html_join(
            "",
            "<div><b>v{}</b> {} - {}<pre>{}</pre></div>",
            (
                (v.number, v.created_at.strftime("%Y-%m-%d %H:%M"), v.note, v.diff)
                for v in obj.versions.order_by("-number")
            ),
        )

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Program], action: Any, done: str
    ) -> None:
        for program in queryset:
            try:
                action(program=program, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{program}: {_errors(error)}", messages.ERROR)
            else:
                self.message_user(request, f"{program}: {done}.", messages.SUCCESS)

    @admin.action(description="Approve the selected drafts (lays out the schedule)")
    def approve(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        self._each(request, queryset, services.program_approve, "approved")

    @admin.action(description="Resume the selected paused programs")
    def resume(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        self._each(request, queryset, services.program_resume, "resumed")

    @admin.action(description="Complete the selected programs")
    def complete(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        self._each(request, queryset, services.program_complete, "completed")

    @admin.action(description="Resume progression (after a red flag or pain of 6+)")
    def resume_progression(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        self._each(request, queryset, services.progression_resume, "progression resumed")

    def get_urls(self) -> list[URLPattern]:
        urls = super().get_urls()
        pause = path(
            "<int:program_id>/pause/",
            self.admin_site.admin_view(self.pause_view),
            name="planner_program_pause",
        )
        return [pause, *urls]

    def pause_view(self, request: HttpRequest, program_id: int) -> HttpResponse:
        program = get_object_or_404(self.get_queryset(request), pk=program_id)
        if not self.has_change_permission(request, program):
            raise PermissionDenied
        form = PauseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.program_pause(
                    program=program, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, _errors(error))
            else:
                self.message_user(request, f"{program}: paused.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:planner_program_change", args=[program.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Pause {program}",
            "form": form,
            "program": program,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/planner/program_pause.html", context)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        obj = kwargs.get("obj")
        if obj is not None and obj.status == ProgramStatus.ACTIVE:
            context["pause_url"] = reverse("admin:planner_program_pause", args=[obj.pk])
        return super().render_change_form(request, context, *args, **kwargs)

    change_form_template = "admin/planner/program_change_form.html"


class PauseForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The patient sees this, with whom to call.",
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
class ProgramVersionAdmin(OwnProgramsMixin, admin.ModelAdmin):
    list_display = ("program", "number", "note", "created_at")
    list_select_related = ("program__patient",)
    readonly_fields = ("program", "number", "note", "diff", "plan_status", "created_by")
    fields = readonly_fields
    inlines = (ProgramExerciseInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgramVersion]:
        return self.restrict(request, super().get_queryset(request)).select_related("program")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SupervisedEntryForm(forms.Form):
    program_exercise_id = forms.IntegerField(widget=forms.HiddenInput)
    technique = forms.TypedChoiceField(
        choices=[("", "not practised")] + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    sets = forms.IntegerField(min_value=1, required=False)
    reps = forms.IntegerField(min_value=0, required=False)
    hold_s = forms.IntegerField(min_value=0, required=False)
    duration_s = forms.IntegerField(min_value=0, required=False)
    swap_to_easier = forms.BooleanField(required=False)
    mastered = forms.BooleanField(required=False)
    note = forms.CharField(max_length=300, required=False)


SupervisedEntryFormSet = forms.formset_factory(SupervisedEntryForm, extra=0)


@admin.register(SupervisedSession)
class SupervisedSessionAdmin(OwnProgramsMixin, admin.ModelAdmin):
    list_display = ("scheduled_for", "patient", "number", "status", "record_link")
    list_filter = ("status",)
    list_select_related = ("program__patient",)
    date_hierarchy = "scheduled_for"
    search_fields = ("program__patient__first_name", "program__patient__last_name")
    readonly_fields = ("program", "number", "scheduled_for", "recorded_by", "recorded_at", "seen")
    fields = (
        "program",
        "number",
        "scheduled_for",
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
                error = _errors(problem)
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


class ReviewItemInline(admin.TabularInline):
    model = ReviewItem
    extra = 0
    can_delete = False
    fields = ("program_exercise", "action", "variable", "proposed", "new_exercise", "why")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="proposed dose")
    def proposed(self, obj: ReviewItem) -> str:
        return dose_text(obj.sets, obj.reps, obj.hold_s, obj.duration_s)

    @admin.display(description="why")
    def why(self, obj: ReviewItem) -> str:
        return _why(obj.reasons)


@admin.register(ReviewProposal)
class ReviewProposalAdmin(OwnProgramsMixin, admin.ModelAdmin):
    list_display = ("program", "week_start", "status", "pause_progression", "created_at")
    list_filter = ("status", "pause_progression")
    list_select_related = ("program__patient",)
    readonly_fields = (
        "program",
        "week_start",
        "status",
        "pause_progression",
        "week_reasons",
        "decided_by",
        "decided_at",
        "resulting_version",
    )
    fields = readonly_fields
    inlines = (ReviewItemInline,)
    actions = ("approve", "reject")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReviewProposal]:
        return self.restrict(request, super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="reasons")
    def week_reasons(self, obj: ReviewProposal) -> str:
        return _why(obj.reasons)

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[ReviewProposal], approve: bool
    ) -> None:
        for proposal in queryset:
            try:
                if approve:
                    services.review_approve(proposal=proposal, by=request.user)
                else:
                    services.review_reject(proposal=proposal, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{proposal}: {_errors(error)}", messages.ERROR)
            else:
                verb = "approved" if approve else "rejected"
                self.message_user(request, f"{proposal}: {verb}.", messages.SUCCESS)

    @admin.action(description="Approve the selected reviews (makes the next program version)")
    def approve(self, request: HttpRequest, queryset: QuerySet[ReviewProposal]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject the selected reviews")
    def reject(self, request: HttpRequest, queryset: QuerySet[ReviewProposal]) -> None:
        self._decide(request, queryset, approve=False)


@admin.action(description="Generate a draft program for the selected patients")
def generate_draft_program(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Patient]
) -> None:
    for patient in queryset:
        try:
            program = services.program_generate(patient=patient, by=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, f"{patient}: {_errors(error)}", messages.ERROR)
            continue
        url = reverse("admin:planner_program_change", args=[program.pk])
        modeladmin.message_user(
            request,
            format_html('{}: <a href="{}">draft program</a> ready for review.', patient, url),
            messages.SUCCESS,
        )
