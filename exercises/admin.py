"""The rehabilitation doctors' admin for the exercise library."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from exercises import selectors
from exercises.models import Exercise, MovementTag
from exercises.vocabulary import EQUIPMENT, MOVEMENT_TAGS


@admin.register(MovementTag)
class MovementTagAdmin(admin.ModelAdmin):
    list_display = ("code", "description")
    search_fields = ("code", "description")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The rules act on these codes (CLINICAL.md): renaming one would silently disarm a rule.
        return ("code",) if obj is not None and obj.code in MOVEMENT_TAGS else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.code in MOVEMENT_TAGS:
            return False
        return super().has_delete_permission(request, obj)


class ExerciseAdminForm(forms.ModelForm):
    equipment = forms.MultipleChoiceField(
        choices=list(EQUIPMENT.items()), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Exercise
        fields = (
            "name",
            "slug",
            "is_active",
            "category",
            "starting_position",
            "difficulty",
            "equipment",
            "movement_tags",
            "indications",
            "harder_variant",
            "summary",
            "instructions",
            "safety_notes",
            "default_sets",
            "min_sets",
            "max_sets",
            "default_reps",
            "min_reps",
            "max_reps",
            "default_hold_s",
            "min_hold_s",
            "max_hold_s",
            "default_duration_s",
            "min_duration_s",
            "max_duration_s",
            "seconds_per_rep",
            "per_side",
            "image",
            "video",
        )


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    form = ExerciseAdminForm
    list_display = (
        "name",
        "category",
        "difficulty",
        "starting_position",
        "tags_display",
        "dose_display",
        "easier_display",
        "harder_variant",
        "is_active",
    )
    list_filter = ("category", "difficulty", "movement_tags", "indications", "is_active")
    search_fields = ("name", "slug", "summary")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("harder_variant",)
    filter_horizontal = ("movement_tags", "indications")
    list_per_page = 200
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("name", "slug", "is_active"),
                    ("category", "starting_position", "difficulty"),
                    "equipment",
                    "movement_tags",
                    "indications",
                    "harder_variant",
                )
            },
        ),
        ("For the patient", {"fields": ("summary", "instructions", "safety_notes")}),
        (
            "Dose (default and its bounds)",
            {
                "fields": (
                    ("default_sets", "min_sets", "max_sets"),
                    ("default_reps", "min_reps", "max_reps"),
                    ("default_hold_s", "min_hold_s", "max_hold_s"),
                    ("default_duration_s", "min_duration_s", "max_duration_s"),
                    ("seconds_per_rep", "per_side"),
                )
            },
        ),
        ("Media", {"fields": ("image", "video")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Exercise]:
        return selectors.exercise_list()

    @admin.display(description="movement tags")
    def tags_display(self, obj: Exercise) -> str:
        return ", ".join(tag.code for tag in obj.movement_tags.all())

    @admin.display(description="dose")
    def dose_display(self, obj: Exercise) -> str:
        side = " each side" if obj.per_side else ""
        if obj.is_timed:
            return f"{obj.default_sets} x {obj.default_duration_s} s{side}"
        hold = f", hold {obj.default_hold_s} s" if obj.default_hold_s else ""
        return f"{obj.default_sets} x {obj.default_reps}{side}{hold}"

    @admin.display(description="easier variant")
    def easier_display(self, obj: Exercise) -> str:
        easier = getattr(obj, "easier_variant", None)
        return easier.name if easier else "—"
