"""The clinician's workspace in the admin: the pages that bring several apps together.

The patient page is declared here, above the apps whose parts it shows (rehab's
records, the planner's programs, notifications' preferences), so no app patches
another's admin.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from notifications.admin import ReminderPreferencesInline
from notifications.services import patient_invite_send
from planner import services as planner_services
from planner.admin import generate_draft_program
from planner.admin.shared import OwnHistoryAdmin
from rehab import selectors
from rehab.admin import (
    ActiveRedFlagFilter,
    BodyCompositionInline,
    FitnessTestInline,
    OswestryInline,
    PainInline,
    PatientAccountFormMixin,
    PatientComorbidityInline,
    PatientDiagnosisInline,
    PatientRedFlagInline,
    StartBackInline,
    patient_account_choices,
)
from rehab.models import (
    TIME_ZONE_CHOICES,
    ActorKind,
    CareAction,
    CareRecordEntry,
    Patient,
    PatientRedFlag,
)
from rehab.services import patient_record_edit_record, patient_record_history_mark
from workspace import overview, records_admin
from workspace.questionnaires_admin import QuestionnaireScheduleInline

CARE_RECORD_PER_PAGE = 50


@admin.action(description="Invite the selected patients to the mobile app")
def invite_to_app(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Patient]
) -> None:
    base_url = request.build_absolute_uri("/")
    for patient in queryset:
        try:
            link = patient_invite_send(patient=patient, by=request.user, base_url=base_url)
        except ValidationError as refused:
            modeladmin.message_user(request, " ".join(refused.messages), messages.ERROR)
            continue
        sent = f"emailed to {patient.email}, and " if patient.email else ""
        modeladmin.message_user(
            request,
            format_html(
                "{}: invitation {}valid for 7 days: <a href='{}'>{}</a> (shown once).",
                patient,
                sent,
                link,
                link,
            ),
            messages.SUCCESS,
        )


class PatientAdminForm(PatientAccountFormMixin, forms.ModelForm):
    # A new patient is where the clinic is, unless the doctor says otherwise.
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, initial=selectors.clinic_time_zone)

    class Meta:
        model = Patient
        fields = (
            "first_name",
            "last_name",
            "email",
            "clinician",
            "user",
            "date_of_birth",
            "sex",
            "height_cm",
            "weight_kg",
            "fitness_level",
            "pregnancy_weeks",
            "pregnancy_weeks_on",
            "pregnancy_due_date",
            "time_zone",
            "reminder_time",
            "language",
        )


@admin.register(Patient)
class PatientAdmin(OwnHistoryAdmin):
    """The patient page: records from rehab, programs from the planner, reminder preferences
    from notifications, the app invitation; each part's logic stays in its own app."""

    form = PatientAdminForm

    class Media:
        css = {"all": ["workspace/admin.css"]}  # the red-flag badge (no style attributes)

    list_display = (
        "full_name",
        overview.overview_link,
        "age_display",
        "bmi_display",
        "diagnoses_display",
        "latest_pain_display",
        "odi_display",
        "red_flags_display",
        "clinician",
        records_admin.erased_display,
    )
    list_display_links = ("full_name",)
    list_filter = (
        ActiveRedFlagFilter,
        "clinician",
        ("diagnoses__diagnosis", admin.RelatedOnlyFieldListFilter),
        ("diagnoses__stage", admin.ChoicesFieldListFilter),
        "fitness_level",
    )
    search_fields = ("first_name", "last_name", "email")
    list_per_page = 100

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Records count from when they are recorded: a red flag stops home training at once,
        # a new comorbidity or pregnancy week re-checks the running program.
        planner_services.patient_records_changed(patient=form.instance, by=request.user)
        # What this save changed, field by field, goes into the record of care.
        mark: dict[str, int] = getattr(request, "_care_record_mark", {})
        patient_record_edit_record(patient=form.instance, by=request.user, mark=mark)

    inlines = (
        PatientDiagnosisInline,
        PatientComorbidityInline,
        PatientRedFlagInline,
        PainInline,
        OswestryInline,
        StartBackInline,
        FitnessTestInline,
        BodyCompositionInline,
        QuestionnaireScheduleInline,
        ReminderPreferencesInline,
    )
    actions = (
        generate_draft_program,
        invite_to_app,
        records_admin.export_patient_data,
        records_admin.erase_patients,
    )
    # Deleting a patient deletes everything of theirs, their app account included.
    delete_model = records_admin.delete_model
    delete_queryset = records_admin.delete_queryset
    get_deleted_objects = records_admin.get_deleted_objects
    fieldsets = (
        (None, {"fields": ("first_name", "last_name", "email", "clinician", "user")}),
        (
            "Body and fitness",
            {"fields": ("date_of_birth", "sex", "height_cm", "weight_kg", "fitness_level")},
        ),
        (
            "Pregnancy",
            {
                "fields": ("pregnancy_weeks", "pregnancy_weeks_on", "pregnancy_due_date"),
                "description": "Gestational weeks (with the day they were recorded) or a due "
                "date; leave empty if the patient is not pregnant.",
            },
        ),
        ("Reminders and language", {"fields": ("time_zone", "reminder_time", "language")}),
    )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # The patient's account: a list of the free patient accounts, never any account
        # (the form narrows it to this patient's, and checks it again on save).
        if db_field.name == "user":
            kwargs["queryset"] = patient_account_choices()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Patient]:
        return selectors.patient_list(user=request.user)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        if request.method == "GET":
            patient = self.get_object(request, object_id)
            flags = (
                PatientRedFlag.objects.filter(patient=patient, status=PatientRedFlag.Status.ACTIVE)
                .select_related("red_flag")
                .order_by("-red_flag__same_day", "red_flag__name")
                if patient is not None
                else []
            )
            for flag in flags:
                urgency = (
                    "possible cauda equina: the patient must be seen today"
                    if flag.red_flag.same_day
                    else "no home program until a doctor has reviewed it"
                )
                self.message_user(
                    request, f"Active red flag: {flag.red_flag.name} ({urgency}).", messages.ERROR
                )
            if patient is not None:
                for message in selectors.patient_contradictions(patient=patient):
                    self.message_user(request, f"Check the records: {message}", messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A doctor's new patients are their own; reassigning is an administrator's job.
        return () if request.user.is_superuser else ("clinician",)

    def save_model(self, request: HttpRequest, obj: Patient, form: Any, change: bool) -> None:
        request._care_record_mark = patient_record_history_mark()  # type: ignore[attr-defined]
        if not change and not request.user.is_superuser:
            obj.clinician = request.user.clinician  # type: ignore[union-attr]
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        clinician = getattr(request.user, "clinician", None)
        if clinician is not None:
            initial.setdefault("clinician", clinician.pk)
        return initial

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A user who is neither a superuser nor a clinician owns no patients to add.
        allowed = super().has_add_permission(request)
        return allowed and (request.user.is_superuser or hasattr(request.user, "clinician"))

    # The doctor's page for one patient: program, charts, home log, sessions, alerts.
    overview_view = overview.patient_overview_view

    def get_urls(self) -> list[URLPattern]:
        care = path(
            "<path:object_id>/care-record/",
            self.admin_site.admin_view(self.care_record_view),
            name="rehab_patient_care_record",
        )
        summary = path(
            "<path:object_id>/overview/",
            self.admin_site.admin_view(self.overview_view),
            name="rehab_patient_overview",
        )
        return [care, summary, *super().get_urls()]

    def care_record_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The patient's record of care, newest first: when, who, what. Only the patient's
        clinician and superusers see it (anyone else: not found, as for the patient page)."""
        patient = self.get_object(request, object_id)
        if patient is None or not self.has_view_permission(request, patient):
            raise Http404
        entries = (
            CareRecordEntry.objects.filter(patient=patient)
            .select_related("actor")
            .order_by("-at", "-id")
        )
        page = Paginator(entries, CARE_RECORD_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record of care: %(patient)s") % {"patient": patient.full_name},
            "opts": self.model._meta,
            "original": patient,
            "patient": patient,
            "page": page,
            "rows": [care_row(entry) for entry in page.object_list],
            "change_url": reverse("admin:rehab_patient_change", args=[patient.pk]),
        }
        return TemplateResponse(request, "admin/rehab/patient/care_record.html", context)

    @admin.display(description="name", ordering="last_name")
    def full_name(self, obj: Patient) -> str:
        return obj.full_name

    @admin.display(description="age", ordering="-date_of_birth")
    def age_display(self, obj: Patient) -> int:
        return obj.age()

    @admin.display(description="BMI")
    def bmi_display(self, obj: Patient) -> str:
        return str(obj.bmi)

    @admin.display(description="diagnoses")
    def diagnoses_display(self, obj: Any) -> str:
        rows = obj.diagnosis_rows
        return ", ".join(
            f"{row.diagnosis.name} ({row.get_side_display().lower()}, {row.stage})" for row in rows
        )

    @admin.display(description="latest pain", ordering="latest_pain")
    def latest_pain_display(self, obj: Any) -> str:
        return "—" if obj.latest_pain is None else f"{obj.latest_pain}/10"

    @admin.display(description="ODI")
    def odi_display(self, obj: Any) -> str:
        for row in obj.odi_rows:
            result = row.result
            if result is not None:
                return f"{result.percent} % {result.band.replace('_', '-')}"
        return "—"

    @admin.display(description="red flags")
    def red_flags_display(self, obj: Any) -> str:
        flags = obj.active_red_flags
        if not flags:
            return "—"
        return format_html_join(
            " ",
            '<strong class="red-flag-badge" title="{}">⚠ {}</strong>',
            (
                (
                    "Same day: possible cauda equina" if f.red_flag.same_day else "Active",
                    f.red_flag.name,
                )
                for f in flags
            ),
        )


def care_actor(entry: CareRecordEntry) -> str:
    """Who acted, in plain words: the person's name, or the planner acting on its own."""
    if entry.actor_kind == ActorKind.SYSTEM or entry.actor is None:
        return str(ActorKind(entry.actor_kind).label)
    user: Any = entry.actor
    name = user.get_full_name() or user.get_username()
    if entry.actor_kind == ActorKind.PATIENT:
        return _("%(name)s (the patient)") % {"name": name}
    return str(name)


def care_details(entry: CareRecordEntry) -> list[str]:
    """What the act was about, in plain words, one line each."""
    detail = entry.detail
    lines: list[str] = []
    if detail.get("program"):
        lines.append(_("Program #%(program)s") % {"program": detail["program"]})
    if detail.get("start_date"):
        lines.append(_("Starts on %(day)s") % {"day": detail["start_date"]})
    if detail.get("week_start"):
        lines.append(_("Week from %(day)s") % {"day": detail["week_start"]})
    if detail.get("version") and entry.action != CareAction.PROGRAM_APPROVED:
        lines.append(_("Version %(version)s") % {"version": detail["version"]})
    if detail.get("red_flag"):
        lines.append(_(str(detail["red_flag"])))
    if detail.get("exercise"):
        lines.append(str(detail["exercise"]))
    if detail.get("home_started_on"):
        lines.append(_("Home training from %(day)s") % {"day": detail["home_started_on"]})
    for key in ("reason", "note", "notes"):
        if detail.get(key):
            lines.append(str(detail[key]))
    lines.extend(str(line) for line in detail.get("diff") or [])
    return lines


def care_row(entry: CareRecordEntry) -> dict[str, Any]:
    return {
        "at": timezone.localtime(entry.at),
        "who": care_actor(entry),
        "what": str(CareAction(entry.action).label),
        "auto": entry.auto,
        "details": care_details(entry),
        "changes": entry.changes,
    }
