"""The clinic's settings in the admin: one record, so no list, no second one, no delete."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from rehab import services
from rehab.models import TIME_ZONE_CHOICES, WEEKDAY_FIELDS, ClinicSettings


class ClinicSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=capfirst(ClinicSettings._meta.get_field("time_zone").verbose_name),
        choices=TIME_ZONE_CHOICES,
        help_text=ClinicSettings._meta.get_field("time_zone").help_text,
    )

    class Meta:
        model = ClinicSettings
        fields = ("name", "address", "phone", "time_zone", "session_time", *WEEKDAY_FIELDS)


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(admin.ModelAdmin):
    form = ClinicSettingsForm
    fieldsets = (
        (None, {"fields": ("name", "address", "phone")}),
        (
            _("Supervised sessions"),
            {
                "fields": ("time_zone", "session_time", WEEKDAY_FIELDS),
                "description": _(
                    "New programs book their clinic sessions on these weekdays at this time. "
                    "Two sessions a week fall on Tuesday and Thursday, three on Monday, "
                    "Wednesday and Friday, when the clinic works on those days; otherwise on "
                    "the chosen days furthest apart. Sessions already booked keep their time."
                ),
            },
        ),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not ClinicSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Straight to the one record (or to making it), as there is nothing to list."""
        clinic = ClinicSettings.objects.only("pk").first()
        if clinic is not None and self.has_view_or_change_permission(request, clinic):
            url = reverse("admin:rehab_clinicsettings_change", args=[clinic.pk])
            return HttpResponseRedirect(url)
        if clinic is None and self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:rehab_clinicsettings_add"))
        return super().changelist_view(request, extra_context)

    def save_model(
        self, request: HttpRequest, obj: ClinicSettings, form: Any, change: bool
    ) -> None:
        services.clinic_settings_save(clinic=obj)
