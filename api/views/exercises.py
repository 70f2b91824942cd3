"""The exercise library, read-only for clinicians."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import PAGE_PARAMETERS, page_of, paginated_response
from api.permissions import IsClinician
from api.schema import responses
from api.serializers import illustrations
from exercises.models import Exercise
from exercises.selectors import exercise_list, exercise_search
from exercises.vocabulary import CATEGORIES, STARTING_POSITIONS


class DefaultDoseSerializer(serializers.Serializer):
    sets = serializers.IntegerField(source="default_sets")
    reps = serializers.IntegerField(source="default_reps")
    hold_s = serializers.IntegerField(source="default_hold_s")
    duration_s = serializers.IntegerField(source="default_duration_s")
    per_side = serializers.BooleanField(
        help_text="A one-sided exercise: the dose is done on each side (the time counts both)."
    )


class ExerciseRowSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    summary = serializers.CharField()
    category = serializers.ChoiceField(choices=list(CATEGORIES.items()))
    difficulty = serializers.IntegerField(help_text="1 to 5.")
    starting_position = serializers.ChoiceField(choices=list(STARTING_POSITIONS.items()))
    equipment = serializers.ListField(child=serializers.CharField())
    movement_tags = serializers.SerializerMethodField()
    indications = serializers.SerializerMethodField(help_text="Diagnosis codes.")
    default_dose = DefaultDoseSerializer(source="*")
    easier_variant = serializers.SerializerMethodField()
    harder_variant = serializers.SlugField(source="harder_variant.slug", allow_null=True)
    is_active = serializers.BooleanField()

    def get_movement_tags(self, exercise: Exercise) -> list[str]:
        return [tag.code for tag in exercise.movement_tags.all()]

    def get_indications(self, exercise: Exercise) -> list[str]:
        return [diagnosis.code for diagnosis in exercise.indications.all()]

    def get_easier_variant(self, exercise: Exercise) -> str | None:
        easier = exercise.easier_variant_or_none()
        return easier.slug if easier is not None else None


class ExerciseListApi(APIView):
    permission_classes = [IsAuthenticated, IsClinician]

    class FilterSerializer(serializers.Serializer):
        category = serializers.ChoiceField(
            choices=list(CATEGORIES.items()), required=False, default=""
        )
        difficulty = serializers.IntegerField(
            min_value=1, max_value=5, required=False, default=None
        )
        tag = serializers.SlugField(required=False, default="", help_text="A movement tag.")

    @extend_schema(
        operation_id="exercises_list",
        summary="The active exercises of the library, filtered, 25 a page",
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses=responses({200: page_of(ExerciseRowSerializer)}, 400, 401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginated_response(
            request=request,
            view=self,
            rows=exercise_search(**filters.validated_data),
            serializer_class=ExerciseRowSerializer,
        )


class ExerciseDetailApi(APIView):
    permission_classes = [IsAuthenticated, IsClinician]

    class OutputSerializer(ExerciseRowSerializer):
        class BoundsSerializer(serializers.Serializer):
            min = serializers.IntegerField()
            max = serializers.IntegerField()

        steps = serializers.ListField(child=serializers.CharField())
        safety = serializers.ListField(child=serializers.CharField())
        seconds_per_rep = serializers.IntegerField()
        dose_bounds = serializers.SerializerMethodField()
        illustrations = serializers.SerializerMethodField()
        video = serializers.SerializerMethodField()

        def get_dose_bounds(self, exercise: Exercise) -> dict[str, dict[str, int]]:
            return {
                name: {
                    "min": getattr(exercise, f"min_{name}"),
                    "max": getattr(exercise, f"max_{name}"),
                }
                for name in ("sets", "reps", "hold_s", "duration_s")
            }

        def get_illustrations(self, exercise: Exercise) -> list[str]:
            return illustrations(exercise)

        def get_video(self, exercise: Exercise) -> str | None:
            return exercise.video.url if exercise.video else None

    @extend_schema(
        operation_id="exercise_retrieve",
        summary="One exercise: steps, safety notes, dose and its bounds, variants, pictures",
        responses=responses({200: OutputSerializer}, 401, 403, 404),
    )
    def get(self, request: Request, slug: str) -> Response:
        exercise: Any = get_object_or_404(exercise_list(), slug=slug)
        return Response(self.OutputSerializer(exercise).data)
