"""The rehabilitation doctors' admin for clinical records."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rehab import services
from rehab.models import (
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


def patient_account_choices(*, patient: Patient | None = None) -> QuerySet[Any]:
    """The accounts a patient's record may be linked to: active patient accounts (not staff,
    not a superuser, no clinician's record) linked to no other patient. The patient's own
    account stays a choice."""
    others = Patient.objects.filter(user__isnull=False)
    if patient is not None and patient.pk is not None:
        others = others.exclude(pk=patient.pk)
    return (
        get_user_model()
        ._default_manager.filter(
            is_active=True, is_staff=False, is_superuser=False, clinician__isnull=True
        )
        .exclude(pk__in=others.values("user_id"))
        .order_by("username")
    )


class PatientAccountFormMixin(forms.ModelForm):
    """The patient form's `user` field: only the accounts `patient_account_choices` allows,
    offered and checked again on save, so a forged id is refused with a form error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            field: Any = self.fields["user"]
            field.queryset = patient_account_choices(patient=self.instance)

    def clean_user(self) -> Any:
        user = self.cleaned_data.get("user")
        if (
            user is not None
            and not patient_account_choices(patient=self.instance).filter(pk=user.pk).exists()
        ):
            raise forms.ValidationError(
                _(
                    "Choose a patient's own account that is linked to no other patient; "
                    "staff, clinicians' and administrators' accounts cannot be linked."
                ),
                code="account_not_allowed",
            )
        return user


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


# The clinic's own settings are registered in their module (imported for admin.register).
from rehab import admin_clinic  # noqa: E402, F401
