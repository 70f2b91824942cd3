"""The rehabilitation doctors' admin for the exercise library."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from exercises import selectors
from exercises.models import (
    Exercise,
    ExerciseTranslation,
    MovementTag,
    library_base_language,
    library_languages,
)
from exercises.services import exercise_translations_changed
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


class ExerciseTranslationForm(forms.ModelForm):
    language = forms.ChoiceField(choices=())

    class Meta:
        model = ExerciseTranslation
        fields = ("language", "name", "summary", "instructions", "safety_notes")
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "instructions": forms.Textarea(attrs={"rows": 7}),
            "safety_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        choices = [(code, f"{names[code]} ({code})") for code in library_languages()]
        current = self.instance.language
        if current and current not in library_languages():
            # A language the site no longer has: kept visible, refused on save (clean()).
            choices.append((current, current))
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = choices


class ExerciseTranslationInline(admin.StackedInline):
    """The exercise's texts in each language the patients may speak: as many steps and
    safety notes as the exercise's own, one per line and in the same order."""

    model = ExerciseTranslation
    form = ExerciseTranslationForm
    verbose_name = "translation for patients"
    verbose_name_plural = "translations for patients"

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        # One empty form for each language it still lacks.
        return len(_missing_languages(obj)) if obj is not None else len(library_languages())

    def get_max_num(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return len(library_languages())


def _missing_languages(exercise: Exercise) -> list[str]:
    have = {t.language for t in exercise.translations.all()}
    return [code for code in library_languages() if code not in have]


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    form = ExerciseAdminForm
    inlines = [ExerciseTranslationInline]
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
        "translations_display",
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
        (
            "For the patient",
            {"fields": ("translations_display", "summary", "instructions", "safety_notes")},
        ),
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

    readonly_fields = ("translations_display",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Exercise]:
        return selectors.with_translations(selectors.exercise_list())

    @admin.display(description="translations")
    def translations_display(self, obj: Exercise) -> str:
        if obj.pk is None:
            return "—"
        missing = _missing_languages(obj)
        if not missing:
            return ", ".join(library_languages()) or "—"
        return (
            f"Missing: {', '.join(missing)}. Patients who read "
            f"{'these languages' if len(missing) > 1 else 'it'} see this exercise in "
            f"{dict(settings.LANGUAGES).get(library_base_language(), 'English')}."
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is ExerciseTranslation and formset.has_changed():
            exercise_translations_changed(exercise=form.instance)

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
