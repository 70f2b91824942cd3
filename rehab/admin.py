"""The rehabilitation doctors' admin for clinical records."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html_join

from planner import services as planner_services
from rehab import selectors, services
from rehab.models import (
    TIME_ZONE_CHOICES,
    BodyComposition,
    Clinician,
    Comorbidity,
    Diagnosis,
    FitnessTest,
    OswestryAssessment,
    PainAssessment,
    Patient,
    PatientComorbidity,
    PatientDiagnosis,
    PatientRedFlag,
    RedFlag,
    StartBackAssessment,
)
from rehab.scoring import ODI_BAND_LABELS


class CatalogueAdmin(admin.ModelAdmin):
    list_display: tuple[str, ...] = ("code", "name", "is_builtin")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Built-in codes are the contract of CLINICAL.md: rules and the API use them.
        return ("code", "is_builtin") if obj is not None and obj.is_builtin else ("is_builtin",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_builtin:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Diagnosis)
class DiagnosisAdmin(CatalogueAdmin):
    list_display = ("code", "icd10", "name", "is_builtin")


@admin.register(Comorbidity)
class ComorbidityAdmin(CatalogueAdmin):
    pass


@admin.register(RedFlag)
class RedFlagAdmin(CatalogueAdmin):
    list_display = ("code", "name", "same_day", "is_builtin")


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ("__str__", "title", "phone", "patient_count")
    list_select_related = ("user",)
    search_fields = ("user__first_name", "user__last_name", "user__username")
    autocomplete_fields = ("user",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Clinician]:
        return super().get_queryset(request).annotate(patient_total=Count("patients"))

    def save_model(self, request: HttpRequest, obj: Clinician, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.clinician_access_grant(clinician=obj)

    @admin.display(description="patients", ordering="patient_total")
    def patient_count(self, obj: Any) -> int:
        return int(obj.patient_total)


class RecordedByFormSet(BaseInlineFormSet):
    """Stamps who recorded a new row; the doctor never types their own name."""

    stamp_field = "recorded_by"

    def save_new(self, form: forms.ModelForm, commit: bool = True) -> Any:
        obj = super().save_new(form, commit=False)
        setattr(obj, self.stamp_field, self.request_user)  # type: ignore[attr-defined]
        if commit:
            obj.save()
        return obj


class StampedInline(admin.TabularInline):
    formset = RecordedByFormSet
    extra = 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset: Any = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset


class PatientDiagnosisInline(admin.TabularInline):
    model = PatientDiagnosis
    extra = 0
    fields = ("diagnosis", "side", "stage", "onset_date", "notes")


class PatientComorbidityInline(admin.TabularInline):
    model = PatientComorbidity
    extra = 0
    fields = ("comorbidity", "notes")


class RedFlagFormSet(RecordedByFormSet):
    stamp_field = "noted_by"


class PatientRedFlagInline(StampedInline):
    model = PatientRedFlag
    formset = RedFlagFormSet
    fields = ("red_flag", "status", "noted_at", "noted_by", "resolved_at", "notes")
    readonly_fields = ("noted_by",)


class PainInline(StampedInline):
    model = PainAssessment
    fields = ("assessed_on", "score", "leg_score", "note", "recorded_by")
    readonly_fields = ("recorded_by",)


class OswestryInline(StampedInline):
    model = OswestryAssessment
    fields = (
        "assessed_on",
        *(f"section_{i}" for i in range(1, 11)),
        "score_display",
    )
    readonly_fields = ("score_display",)

    @admin.display(description="score")
    def score_display(self, obj: OswestryAssessment) -> str:
        result = obj.result if obj.pk else None
        return f"{result.percent} % — {ODI_BAND_LABELS[result.band]}" if result else "—"


class StartBackInline(StampedInline):
    model = StartBackAssessment
    fields = ("assessed_on", *(f"item_{i}" for i in range(1, 10)), "risk_display")
    readonly_fields = ("risk_display",)

    @admin.display(description="risk")
    def risk_display(self, obj: Any) -> str:
        return obj.result.risk if obj.pk else "—"


class FitnessTestInline(StampedInline):
    model = FitnessTest
    fields = ("assessed_on", "kind", "value", "level_display")
    readonly_fields = ("level_display",)

    @admin.display(description="fitness by age norms")
    def level_display(self, obj: FitnessTest) -> str:
        return (obj.fitness_level() or "—") if obj.pk else "—"


class BodyCompositionInline(StampedInline):
    model = BodyComposition
    fields = (
        "assessed_on",
        "fat_percent",
        "muscle_mass_kg",
        "water_percent",
        "basal_metabolic_rate_kcal",
        "muscle_mass_low",
    )


class ActiveRedFlagFilter(admin.SimpleListFilter):
    title = "red flags"
    parameter_name = "red_flag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        flags = [(flag.code, flag.name) for flag in RedFlag.objects.all()]
        return [("any", "Any active red flag"), ("none", "No active red flag"), *flags]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Patient]) -> QuerySet[Patient]:
        value = self.value()
        active = {"red_flags__status": PatientRedFlag.Status.ACTIVE}
        if value is None:
            return queryset
        if value == "any":
            return queryset.filter(**active).distinct()
        if value == "none":
            return queryset.exclude(**active)
        return queryset.filter(**active, red_flags__red_flag__code=value).distinct()


class PatientAdminForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, initial="UTC")

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
        )


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    form = PatientAdminForm
    list_display = (
        "full_name",
        "age_display",
        "bmi_display",
        "diagnoses_display",
        "latest_pain_display",
        "odi_display",
        "red_flags_display",
        "clinician",
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

    inlines = (
        PatientDiagnosisInline,
        PatientComorbidityInline,
        PatientRedFlagInline,
        PainInline,
        OswestryInline,
        StartBackInline,
        FitnessTestInline,
        BodyCompositionInline,
    )
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
        ("Reminders", {"fields": ("time_zone", "reminder_time")}),
    )
    raw_id_fields = ("user",)

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
            '<strong style="background:#b00020;color:#fff;padding:2px 6px;'
            'border-radius:4px" title="{}">⚠ {}</strong>',
            (
                (
                    "Same day: possible cauda equina" if f.red_flag.same_day else "Active",
                    f.red_flag.name,
                )
                for f in flags
            ),
        )
