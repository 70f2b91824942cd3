"""The patient's questionnaires: which are due, with their questions, and the answers.

The app shows a due questionnaire one question at a time and may keep the answers on
the phone while offline; it sends them with a client key, so a resend stores nothing
twice.
"""

from typing import Any

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import patient_of
from api.schema import responses
from api.views.patient import PatientApi
from rehab.models import QuestionnaireKind
from rehab.questionnaires.questions import QUESTIONS
from rehab.questionnaires.selectors import questionnaires_due
from rehab.questionnaires.services import (
    CLIENT_KEY_MAX_LENGTH,
    Answered,
    questionnaire_answer_record,
)

# An answer to choose: its value, sent back in `answers`, and its words.
CHOICES = inline_serializer(
    name="QuestionChoice",
    fields={"value": serializers.IntegerField(), "label": serializers.CharField()},
    many=True,
)


class QuestionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The key of its answer in `answers`.")
    text = serializers.CharField()
    optional = serializers.BooleanField(
        help_text="The patient may leave it unanswered: send null or leave it out."
    )
    choices = serializers.SerializerMethodField()

    @extend_schema_field(CHOICES)
    def get_choices(self, question: Any) -> list[dict[str, Any]]:
        return [{"value": value, "label": str(label)} for value, label in question.choices]


class QuestionnaireDueApi(PatientApi):
    class OutputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=QuestionnaireKind.choices)
        title = serializers.SerializerMethodField()
        since = serializers.DateField(
            help_text="The first due day (the patient's local day) that no answer covers."
        )
        overdue = serializers.BooleanField(help_text="Due for more than 3 days.")
        questions = serializers.SerializerMethodField()

        def get_title(self, due: Any) -> str:
            return str(QuestionnaireKind(due.kind).label)

        @extend_schema_field(QuestionSerializer(many=True))
        def get_questions(self, due: Any) -> list[dict[str, Any]]:
            return list(QuestionSerializer(QUESTIONS[due.kind], many=True).data)

    @extend_schema(
        operation_id="questionnaires_due_list",
        summary="My questionnaires due today, each with its questions and answers, in my language",
        responses=responses({200: OutputSerializer(many=True)}, 401, 403),
    )
    def get(self, request: Request) -> Response:
        patient = patient_of(request)
        due = questionnaires_due(patient=patient)
        return Response(self.OutputSerializer(due, many=True).data)


class QuestionnaireAnswerCreateApi(PatientApi):
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=QuestionnaireKind.choices)
        client_key = serializers.CharField(
            max_length=CLIENT_KEY_MAX_LENGTH,
            help_text="Chosen by the app, new for each questionnaire filled in; the same key "
            "again returns what was stored and stores nothing.",
        )
        answers = serializers.DictField(
            child=serializers.IntegerField(allow_null=True),
            help_text=(
                "Every question's `name` with the `value` of the answer chosen (an `optional` "
                "one may be null or left out)."
            ),
        )

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="assessment.pk", help_text="The assessment's id.")
        kind = serializers.ChoiceField(choices=QuestionnaireKind.choices)
        assessed_on = serializers.DateField(source="assessment.assessed_on")
        score = serializers.SerializerMethodField(
            help_text="ODI: percent; STarT Back: total of 9; pain: 0 to 10."
        )
        band = serializers.SerializerMethodField(
            help_text="ODI: its band; STarT Back: its risk (low, medium, high); pain: empty."
        )

        def get_score(self, answered: Answered) -> int | None:
            assessment: Any = answered.assessment
            if answered.kind == QuestionnaireKind.PAIN:
                return int(assessment.score)
            result = assessment.result
            if answered.kind == QuestionnaireKind.ODI:
                return result.percent if result else None
            return int(result.total)

        def get_band(self, answered: Answered) -> str:
            assessment: Any = answered.assessment
            if answered.kind == QuestionnaireKind.PAIN:
                return ""
            result = assessment.result
            if answered.kind == QuestionnaireKind.ODI:
                return str(result.band) if result else ""
            return str(result.risk)

    @extend_schema(
        operation_id="questionnaire_answer_create",
        summary="Answer a due questionnaire; resending with the same client_key is harmless",
        description="Every question must be answered with one of its values; a questionnaire "
        "that is not due now is refused (400 on `kind`). The same client_key again returns "
        "the stored assessment (200) and stores nothing new, whatever the body.",
        request=InputSerializer,
        responses=responses(
            {
                201: OpenApiResponse(OutputSerializer, "Stored now."),
                200: OpenApiResponse(OutputSerializer, "Stored before under this key."),
            },
            400,
            401,
            403,
        ),
    )
    def post(self, request: Request) -> Response:
        patient = patient_of(request)
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answered = questionnaire_answer_record(
            patient=patient,
            kind=body.validated_data["kind"],
            answers=body.validated_data["answers"],
            client_key=body.validated_data["client_key"],
        )
        return Response(
            self.OutputSerializer(answered).data,
            status=status.HTTP_201_CREATED if answered.created else status.HTTP_200_OK,
        )
