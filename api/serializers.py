"""Output pieces that several views share: doses, exercise cards, contacts, clinic sessions."""

from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises.models import Exercise
from exercises.selectors import exercise_text, reading_language
from planner.dose_words import dose_words, shown_dose_of
from planner.explanations import Names, reasons_text
from planner.models import ExerciseState, Feeling, SupervisedStatus


class PatientLocalDateTimeField(serializers.DateTimeField):
    """A moment in the patient's own time zone (context `time_zone`), with its offset."""

    def default_timezone(self) -> Any:  # a tzinfo (the type stubs say str)
        zone = self.context.get("time_zone")
        return ZoneInfo(zone) if zone else super().default_timezone()


def illustrations(exercise: Exercise) -> list[str]:
    """The uploaded picture when there is one, else the start and end drawings of the web app."""
    if exercise.image:
        return [exercise.image.url]
    return [
        reverse("web:illustration", kwargs={"slug": exercise.slug, "phase": phase})
        for phase in ("start", "end")
    ]


class ShownDoseSerializer(serializers.Serializer):
    """The dose as the patient is shown it (CLINICAL.md, "Dose")."""

    sets = serializers.IntegerField()
    reps = serializers.IntegerField(help_text="0 for a timed exercise.")
    hold_s = serializers.IntegerField(
        help_text="Seconds to hold each repetition, in 5 s steps (whole seconds under 5 s)."
    )
    duration_s = serializers.IntegerField(
        help_text="Seconds a set, for a timed exercise: whole minutes from 5 minutes, half "
        "minutes under that, 5 s steps under a minute."
    )
    text = serializers.CharField(
        help_text='The shown dose in the reader\'s words and language, with "each side" for a '
        "one-sided exercise."
    )


class DoseSerializer(serializers.Serializer):
    sets = serializers.IntegerField()
    reps = serializers.IntegerField(help_text="0 for a timed exercise.")
    hold_s = serializers.IntegerField(help_text="Seconds to hold each repetition.")
    duration_s = serializers.IntegerField(help_text="Seconds a set, for a timed exercise.")
    text = serializers.CharField(
        source="dose_text", help_text="The dose as prescribed, in a clinician's shorthand."
    )
    per_side = serializers.BooleanField(
        help_text="A one-sided exercise: the dose is done on each side (the time counts both)."
    )
    shown = serializers.SerializerMethodField(
        help_text="The dose as the patient is shown it and does it; the numbers above are the "
        "prescription, kept exactly."
    )

    @extend_schema_field(ShownDoseSerializer)
    def get_shown(self, item: Any) -> dict[str, Any]:
        shown = shown_dose_of(item)
        return {
            "sets": shown.sets,
            "reps": shown.reps,
            "hold_s": shown.hold_s,
            "duration_s": shown.duration_s,
            "text": dose_words(item),
        }


class ExplanationListSerializer(serializers.ListSerializer):
    """Explanations as stored (`reason_row`) in the reader's language (Accept-Language, else
    the site's), in the clinician's words or, for a patient, the plainer ones. The names
    inside them are read once for the whole answer, however many lists it has."""

    def to_representation(self, data: Any) -> list[dict[str, str]]:
        child: Any = self.child
        names = _explanation_names(self.root)
        return reasons_text(data, names=names, patient=child.patient_words)


def _explanation_names(root: Any) -> Names:
    language = reading_language()
    names = getattr(root, "_explanation_names", None)
    if names is None or names.language != language:
        names = Names(language)
        root._explanation_names = names
    return names


class ExplanationSerializer(serializers.Serializer):
    """One explanation in the clinician's words, in the reader's language."""

    patient_words = False

    rule = serializers.CharField(help_text="The rule cited, e.g. INDICATION or R-PREG-2.")
    text = serializers.CharField(help_text="In the reader's language.")

    class Meta:
        list_serializer_class = ExplanationListSerializer


class PatientExplanationSerializer(ExplanationSerializer):
    """One explanation as the patient reads it: in the reader's language and plain words,
    with no factors or thresholds (a clinician's own note as it was written)."""

    patient_words = True

    class Meta:
        list_serializer_class = ExplanationListSerializer


class ExerciseCardSerializer(serializers.Serializer):
    """What a patient needs to do an exercise: words, steps, safety notes, pictures."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    summary = serializers.CharField()
    category = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField())
    safety = serializers.ListField(
        child=serializers.CharField(), help_text='Safety notes, the first "Stop if ...".'
    )
    illustrations = serializers.SerializerMethodField()

    def get_illustrations(self, exercise: Exercise) -> list[str]:
        return illustrations(exercise)

    def to_representation(self, instance: Any) -> Any:
        # The texts in the reader's language (Accept-Language, else the site's).
        return super().to_representation(exercise_text(exercise=instance))


class ClinicianContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="__str__")
    title = serializers.CharField()
    phone = serializers.CharField()


class ExerciseLogSerializer(serializers.Serializer):
    done = serializers.BooleanField()
    sets_done = serializers.IntegerField()
    reps_done = serializers.IntegerField()
    pain_during = serializers.IntegerField(allow_null=True)
    pain_after = serializers.IntegerField(allow_null=True)
    difficulty = serializers.ChoiceField(choices=Feeling.choices, allow_blank=True)
    note = serializers.CharField()


class HomeItemSerializer(serializers.Serializer):
    """One exercise of a home day, with the patient's log of it that day if any."""

    position = serializers.IntegerField(source="item.position")
    exercise = ExerciseCardSerializer(source="item.exercise")
    dose = DoseSerializer(source="item")
    logged = serializers.BooleanField()
    log = ExerciseLogSerializer(allow_null=True)


class ClinicSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    scheduled_for = PatientLocalDateTimeField(help_text="In the patient's time zone.")
    status = serializers.ChoiceField(choices=SupervisedStatus.choices)


class PractisedExerciseSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="exercise.slug")
    name = serializers.CharField(source="exercise.name", help_text="In the reader's language.")
    state = serializers.ChoiceField(choices=ExerciseState.choices)

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        data["name"] = exercise_text(exercise=instance.exercise).name
        return data
