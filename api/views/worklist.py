"""The clinician's worklist ("Needs attention") and marking one of its reasons handled.

Only a clinician (or a superuser) gets in, and sees only their own patients; another
clinician's patient cannot be marked (a 400 on `patient`, as for an id that does not exist).
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsClinician
from api.schema import responses
from planner.models import WorklistKind
from planner.selectors import Reason, worklist_rows
from planner.services import worklist_reason_handle

KIND_HELP = "Why the patient needs attention; the values in order of urgency, most urgent " + (
    "first: " + "; ".join(f"`{value}`: {label}" for value, label in WorklistKind.choices) + "."
)


class HandledSerializer(serializers.Serializer):
    by = serializers.CharField(help_text="Who marked it handled.")
    at = serializers.DateTimeField(help_text="When.")


class ReasonSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WorklistKind.choices, help_text=KIND_HELP)
    since = serializers.DateTimeField(
        help_text="When the reason began; with the patient and the kind it names the reason "
        "to mark handled."
    )
    detail = serializers.CharField(help_text="What happened, in the reader's language.")
    link = serializers.CharField(help_text="Where to act on it in the clinic's workspace.")
    handled = serializers.SerializerMethodField()

    @extend_schema_field(HandledSerializer(allow_null=True))
    def get_handled(self, reason: Reason) -> dict[str, Any] | None:
        """Null unless `?handled=true` listed a handled reason."""
        if reason.handled_at is None:
            return None
        return HandledSerializer({"by": reason.handled_by, "at": reason.handled_at}).data


class WorklistPatientSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="full_name")


class WorklistApi(APIView):
    permission_classes = [IsAuthenticated, IsClinician]

    class OutputSerializer(serializers.Serializer):
        patient = WorklistPatientSerializer()
        reasons = ReasonSerializer(many=True)

    @extend_schema(
        operation_id="clinician_worklist",
        summary="Needs attention: the clinician's patients with their reasons, most urgent first",
        description="Patients are ordered by their most urgent reason (cauda equina signs "
        "first), then by how long it has waited. A reason marked handled is left out until "
        "a new event of its kind moves its `since`; `?handled=true` lists it too, after the "
        "open ones, with who marked it and when.",
        parameters=[
            OpenApiParameter(
                "handled", bool, description="Also list reasons marked handled.", default=False
            )
        ],
        responses=responses({200: OutputSerializer(many=True)}, 401, 403),
    )
    def get(self, request: Request) -> Response:
        include_handled = request.query_params.get("handled", "").lower() in ("1", "true", "yes")
        rows = worklist_rows(user=request.user, include_handled=include_handled)
        return Response(self.OutputSerializer(rows, many=True).data)


class WorklistHandledApi(APIView):
    permission_classes = [IsAuthenticated, IsClinician]

    class InputSerializer(serializers.Serializer):
        patient = serializers.IntegerField(help_text="The patient's id.")
        kind = serializers.CharField(help_text=KIND_HELP)
        since = serializers.DateTimeField(help_text="The reason's `since`, as the list gave it.")

    class OutputSerializer(serializers.Serializer):
        patient = serializers.IntegerField(source="patient_id")
        kind = serializers.ChoiceField(choices=WorklistKind.choices)
        since = serializers.DateTimeField()
        by = serializers.CharField(source="by.get_full_name")
        at = serializers.DateTimeField()

    @extend_schema(
        operation_id="clinician_worklist_handled",
        summary="Mark a reason of the worklist handled",
        description="The reason must be on the list now (the patient's, the kind, the very "
        "`since`); marking it again keeps the first mark.",
        request=InputSerializer,
        responses=responses({201: OutputSerializer}, 400, 401, 403),
    )
    def post(self, request: Request) -> Response:
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        mark = worklist_reason_handle(
            user=request.user,
            patient_id=body.validated_data["patient"],
            kind=body.validated_data["kind"],
            since=body.validated_data["since"],
        )
        return Response(self.OutputSerializer(mark).data, status=status.HTTP_201_CREATED)
