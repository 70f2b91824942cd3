"""Programs: the clinician's page for a program, its actions, and generating drafts."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from planner import selectors, services
from planner.admin.shared import (
    Decision,
    OwnHistoryAdmin,
    OwnProgramsMixin,
    SaveWhereEditableMixin,
    decision_page,
    decision_post,
    errors,
    explanation_names,
    why_html,
)
from planner.handout import handout_response
from planner.models import (
    OPEN_STATUSES,
    Program,
    ProgramStatus,
)
from planner.selectors.handout import program_handout
from planner.services.generation import program_start_check
from planner.services.wording import red_flag_refusal
from rehab.models import Patient, PatientRedFlag
from rehab.selectors import clinic_settings, patient_visible_to


class ProgramAdminForm(forms.ModelForm):
    """A draft's start moved on its page stays in the window a new program may start in
    (the same check as generating it): a typo such as 9999-12-25 is a field error."""

    class Meta:
        model = Program
        fields = ("start_date", "weeks", "supervised_per_week", "supervised_course_length")

    def clean_start_date(self) -> Any:
        start = self.cleaned_data["start_date"]
        if "start_date" in self.changed_data and start is not None:
            today = selectors.patient_local_today(patient=self.instance.patient)
            try:
                program_start_check(start=start, today=today)
            except ValidationError as refused:
                raise forms.ValidationError(refused.message_dict["start_date"]) from None
        return start


@admin.register(Program)
class ProgramAdmin(SaveWhereEditableMixin, OwnProgramsMixin, OwnHistoryAdmin):
    form = ProgramAdminForm
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
        names = explanation_names()  # the exercise names in explanations, read once
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    item.position,
                    item.exercise.name,
                    item.dose_text,
                    item.get_state_display() + (" (clinic only)" if item.supervised_only else ""),
                    why_html(item.explanation, names=names),
                )
                for item in selectors.program_exercises(version=version)
            ),
        )
        url = reverse("admin:planner_programversion_change", args=[version.pk])
        reasons = why_html(version.plan_reasons, names=names)
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
            why_html(version.advice, names=names),
            version.plan_status,
            reasons,
        )

    @admin.display(description="schedule")
    def schedule(self, obj: Program) -> str:
        if obj.status == ProgramStatus.DRAFT:
            return "Laid out when the program is approved."
        days = selectors.program_schedule(program=obj)
        # Clinic sessions at the clinic's wall-clock time, as the patient is told them.
        zone = clinic_settings().session_zone(obj.patient.time_zone)
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
                self.message_user(request, f"{program}: {errors(error)}", messages.ERROR)
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
        approve = path(
            "<int:program_id>/approve/",
            self.admin_site.admin_view(self.approve_view),
            name="planner_program_approve",
        )
        handout = path(
            "<int:program_id>/handout.pdf",
            self.admin_site.admin_view(self.handout_view),
            name="planner_program_handout",
        )
        return [pause, approve, handout, *urls]

    def handout_view(self, request: HttpRequest, program_id: int) -> HttpResponse:
        """The program's handout to print or send, in the patient's language: the
        clinician's own patients only (a colleague's program is not found)."""
        program = get_object_or_404(
            self.get_queryset(request).select_related("patient"), pk=program_id
        )
        if not self.has_view_permission(request, program):
            raise PermissionDenied
        return handout_response(
            program_handout(
                program=program, app_url=request.build_absolute_uri(reverse("web:home"))
            )
        )

    def approve_view(self, request: HttpRequest, program_id: int) -> HttpResponse:
        """Approve the draft from its own page: asked once more (it lays out what the patient
        will be asked to do), then the same service as the list's action, safety check and all.
        A GET only asks; a POST without the page's confirmation, or for a program that is no
        longer a draft, changes nothing."""
        program = get_object_or_404(
            self.get_queryset(request).select_related("patient"), pk=program_id
        )
        if not self.has_change_permission(request, program):
            raise PermissionDenied
        problems: list[str] = []
        if request.method == "POST":
            done, problems = decision_post(
                self,
                request,
                decide=lambda: services.program_approve(program=program, by=request.user),
                unconfirmed=_("Approve with the button on this page."),
                done=_("The program of %(patient)s is approved; its schedule is below.")
                % {"patient": program.patient},
                done_url=reverse("admin:planner_program_change", args=[program.pk]),
            )
            if done is not None:
                return done
            program.refresh_from_db()
        return decision_page(
            self,
            request,
            program,
            approve_decision(program),
            can_decide=program.status == ProgramStatus.DRAFT,
            problems=problems or not_a_draft(program),
            status=400 if problems else 200,
        )

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
                form.add_error(None, errors(error))
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
        if (
            obj is not None
            and obj.status == ProgramStatus.DRAFT
            and self.has_change_permission(request, obj)
        ):
            context["approve_url"] = reverse("admin:planner_program_approve", args=[obj.pk])
        if obj is not None and obj.status != ProgramStatus.DRAFT:
            context["handout_url"] = reverse("admin:planner_program_handout", args=[obj.pk])
        return super().render_change_form(request, context, *args, **kwargs)

    change_form_template = "admin/planner/program_change_form.html"


def approve_decision(program: Program) -> Decision:
    """What approving this draft asks of the patient, in the doctor's words."""
    version = selectors.program_current_version(program=program)
    return Decision(
        step=_("Approve"),
        question=_(
            "Approve the program of %(patient)s? From %(start)s they are asked to come to "
            "%(sessions)s supervised sessions at the clinic, %(per_week)s a week, and each "
            "exercise moves into the home program once the specialist signs it off as mastered."
        )
        % {
            "patient": program.patient,
            "start": program.start_date.isoformat(),
            "sessions": program.supervised_course_length,
            "per_week": program.supervised_per_week,
        },
        details=[
            f"{item.exercise.name}: {item.dose_text}"
            for item in selectors.program_exercises(version=version)
        ],
        note=_(
            "The draft is checked against the rules in force on the day it starts; a draft "
            "they do not allow is not approved, and this page says why. Unsaved changes on the "
            "program's page are not part of it."
        ),
        button=_("Yes, approve the program"),
    )


def not_a_draft(program: Program) -> list[str]:
    if program.status == ProgramStatus.DRAFT:
        return []
    return [_("This program is no longer a draft: there is nothing to approve.")]


class PauseForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The patient sees this, with whom to call.",
    )


@admin.action(description="Generate a draft program for the selected patients")
def generate_draft_program(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Patient]
) -> None:
    for patient in queryset:
        try:
            program = services.program_generate(patient=patient, by=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, generate_refusal(patient, error), messages.ERROR)
            continue
        url = reverse("admin:planner_program_change", args=[program.pk])
        modeladmin.message_user(
            request,
            format_html('{}: <a href="{}">draft program</a> ready for review.', patient, url),
            messages.SUCCESS,
        )


def generate_refusal(patient: Patient, error: ValidationError) -> str:
    """Why no draft was made for the patient, in plain words, and the way on."""
    flags = PatientRedFlag.objects.filter(
        patient=patient, status=PatientRedFlag.Status.ACTIVE
    ).values_list("red_flag__code", flat=True)
    if flags:
        return f"{patient}: {red_flag_refusal(flags)}"
    program = Program.objects.filter(patient=patient, status__in=OPEN_STATUSES).first()
    if program is None:
        return f"{patient}: {errors(error)}"
    if program.status == ProgramStatus.DRAFT:
        text = _("%(patient)s already has a draft waiting for approval: approve or edit it.")
    else:
        text = _(
            "%(patient)s already has a program in progress: pause or complete it before "
            "generating a new one."
        )
    return format_html(
        '{} <a href="{}">{}</a>',
        text % {"patient": patient},
        reverse("admin:planner_program_change", args=[program.pk]),
        _("Open the program"),
    )
