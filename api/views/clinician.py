"""The clinician's endpoints: patients, programs, clinic sessions and weekly reviews.

Only a clinician (or a superuser) gets in, and sees only their own patients: another
clinician's patient, program, session or review is a 404, as if it did not exist.
"""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import PAGE_PARAMETERS, page_of, paginated_response
from api.permissions import IsClinician
from api.schema import responses
from api.serializers import DoseSerializer, ExplanationSerializer
from planner.engine.serialize import dose_text
from planner.engine.types import Dose
from planner.models import (
    ExerciseState,
    Feeling,
    Program,
    ProgramStatus,
    ReviewStatus,
    SupervisedStatus,
)
from planner.selectors import (
    DEFAULT_LOG_DAYS,
    MAX_LOG_DAYS,
    NO_PROGRAM,
    log_range,
    patient_chart_list,
    patient_home_log,
    patient_local_today,
    patient_search,
    program_current_version,
    program_exercises,
    program_latest,
    program_visible_to,
    review_list,
    supervised_session_list,
    supervised_session_visible_to,
)
from planner.services import (
    SupervisedEntry,
    program_approve,
    program_generate,
    program_pause,
    program_resume,
    review_approve,
    review_reject,
    supervised_session_record,
)
from rehab.models import Side, Stage
from rehab.selectors import patient_visible_to


class ClinicianApi(APIView):
    permission_classes = [IsAuthenticated, IsClinician]


# -- patients -----------------------------------------------------------------------------------


class DiagnosisRowSerializer(serializers.Serializer):
    code = serializers.SlugField(source="diagnosis.code")
    name = serializers.CharField(source="diagnosis.name")
    side = serializers.ChoiceField(choices=Side.choices)
    stage = serializers.ChoiceField(choices=Stage.choices)


class ActiveRedFlagSerializer(serializers.Serializer):
    code = serializers.SlugField(source="red_flag.code")
    name = serializers.CharField(source="red_flag.name")
    same_day = serializers.BooleanField(
        source="red_flag.same_day", help_text="Cauda equina signs: to be seen the same day."
    )
    noted_at = serializers.DateTimeField()


PROGRAM_STATUS_CHOICES = [*ProgramStatus.values, NO_PROGRAM]


class PatientRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")
    age = serializers.SerializerMethodField()
    diagnoses = DiagnosisRowSerializer(source="diagnosis_rows", many=True)
    active_red_flags = ActiveRedFlagSerializer(many=True)
    latest_pain = serializers.IntegerField(allow_null=True, help_text="0 to 10, at the clinic.")
    program_status = serializers.ChoiceField(
        choices=ProgramStatus.choices,
        allow_null=True,
        help_text="Of the newest program, a draft included; null without one.",
    )

    def get_age(self, patient: Any) -> int:
        return int(patient.age())


class ClinicianPatientListApi(ClinicianApi):
    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, default="", help_text="Words of the name.")
        diagnosis = serializers.SlugField(required=False, default="", help_text="A code.")
        red_flag = serializers.BooleanField(
            required=False, allow_null=True, default=None, help_text="With an active red flag."
        )
        program_status = serializers.ChoiceField(
            choices=PROGRAM_STATUS_CHOICES, required=False, default=""
        )

    @extend_schema(
        operation_id="clinician_patients_list",
        summary="My patients, filtered, 25 a page",
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses=responses({200: page_of(PatientRowSerializer)}, 400, 401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        patients = patient_search(user=request.user, **filters.validated_data)
        return paginated_response(
            request=request, view=self, rows=patients, serializer_class=PatientRowSerializer
        )


class ProgramSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ProgramStatus.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    version = serializers.IntegerField(source="version_number")
    home_started_on = serializers.DateField(allow_null=True)
    paused_reason = serializers.CharField()
    progression_paused_reason = serializers.CharField()


class ClinicianPatientDetailApi(ClinicianApi):
    class OutputSerializer(PatientRowSerializer):
        class ComorbiditySerializer(serializers.Serializer):
            code = serializers.SlugField(source="comorbidity.code")
            name = serializers.CharField(source="comorbidity.name")
            notes = serializers.CharField()

        class OdiSerializer(serializers.Serializer):
            assessed_on = serializers.DateField()
            percent = serializers.IntegerField(source="result.percent")
            band = serializers.CharField(source="result.band")

        first_name = serializers.CharField()
        last_name = serializers.CharField()
        date_of_birth = serializers.DateField()
        sex = serializers.CharField()
        fitness_level = serializers.CharField()
        time_zone = serializers.CharField()
        comorbidities = ComorbiditySerializer(source="comorbidity_rows", many=True)
        latest_odi = serializers.SerializerMethodField()
        program = serializers.SerializerMethodField()

        @extend_schema_field(OdiSerializer(allow_null=True))
        def get_latest_odi(self, patient: Any) -> dict[str, Any] | None:
            """The newest scorable Oswestry Disability Index."""
            for row in patient.odi_rows:
                if row.result is not None:
                    return dict(self.OdiSerializer(row).data)
            return None

        @extend_schema_field(ProgramSummarySerializer(allow_null=True))
        def get_program(self, patient: Any) -> dict[str, Any] | None:
            """The newest program, a draft included."""
            program = self.context["program"]
            return dict(ProgramSummarySerializer(program).data) if program else None

    @extend_schema(
        operation_id="clinician_patient_retrieve",
        summary="One of my patients: records, latest scores and current program",
        responses=responses({200: OutputSerializer}, 401, 403, 404),
    )
    def get(self, request: Request, pk: int) -> Response:
        patient = get_object_or_404(patient_chart_list(user=request.user), pk=pk)
        context = {"program": program_latest(patient=patient)}
        return Response(self.OutputSerializer(patient, context=context).data)


# -- programs -----------------------------------------------------------------------------------


class ProgramDetailSerializer(serializers.Serializer):
    """A program as the clinician sees it: settings, current version, every exercise."""

    class PatientBriefSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField(source="full_name")

    class VersionSerializer(serializers.Serializer):
        number = serializers.IntegerField()
        note = serializers.CharField()
        diff = serializers.CharField(help_text="What changed against the version before.")
        plan_status = serializers.CharField()
        plan_reasons = ExplanationSerializer(many=True)
        created_at = serializers.DateTimeField()

    class ItemSerializer(serializers.Serializer):
        id = serializers.IntegerField(help_text="Cite it as `program_exercise` when recording.")
        position = serializers.IntegerField()
        exercise = serializers.SlugField(source="exercise.slug")
        name = serializers.CharField(source="exercise.name")
        category = serializers.CharField(source="exercise.category")
        difficulty = serializers.IntegerField(source="exercise.difficulty")
        state = serializers.ChoiceField(choices=ExerciseState.choices)
        supervised_only = serializers.BooleanField()
        mastered_on = serializers.DateField(allow_null=True)
        dose = DoseSerializer(source="*")
        explanation = ExplanationSerializer(many=True)

    id = serializers.IntegerField(source="program.id")
    patient = PatientBriefSerializer(source="program.patient")
    status = serializers.ChoiceField(source="program.status", choices=ProgramStatus.choices)
    start_date = serializers.DateField(source="program.start_date")
    end_date = serializers.DateField(source="program.end_date")
    weeks = serializers.IntegerField(source="program.weeks")
    supervised_per_week = serializers.IntegerField(source="program.supervised_per_week")
    supervised_course_length = serializers.IntegerField(source="program.supervised_course_length")
    home_started_on = serializers.DateField(source="program.home_started_on", allow_null=True)
    approved_at = serializers.DateTimeField(source="program.approved_at", allow_null=True)
    paused_reason = serializers.CharField(source="program.paused_reason")
    progression_paused_reason = serializers.CharField(source="program.progression_paused_reason")
    version = VersionSerializer()
    exercises = ItemSerializer(many=True)


def program_detail(program: Program) -> dict[str, Any]:
    """What ProgramDetailSerializer shows, read through the planner's selectors."""
    version = program_current_version(program=program)
    return {"program": program, "version": version, "exercises": program_exercises(version=version)}


def _program_response(program: Program, code: int = status.HTTP_200_OK) -> Response:
    return Response(ProgramDetailSerializer(program_detail(program)).data, status=code)


class ClinicianProgramCreateApi(ClinicianApi):
    class InputSerializer(serializers.Serializer):
        start_date = serializers.DateField(required=False, help_text="Today by default.")
        weeks = serializers.IntegerField(default=6, help_text="1 to 26.")
        supervised_per_week = serializers.IntegerField(
            required=False, help_text="2 or 3; by default from the patient's STarT Back risk."
        )
        supervised_course_length = serializers.IntegerField(
            required=False, help_text="8 to 15; by default from the patient's STarT Back risk."
        )

    @extend_schema(
        operation_id="clinician_program_create",
        summary="Generate a draft program for my patient, explained rule by rule",
        request=InputSerializer,
        responses=responses({201: ProgramDetailSerializer}, 400, 401, 403, 404),
    )
    def post(self, request: Request, pk: int) -> Response:
        patient = get_object_or_404(patient_visible_to(user=request.user), pk=pk)
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        program = program_generate(patient=patient, by=request.user, **body.validated_data)
        return _program_response(program, status.HTTP_201_CREATED)


class ClinicianProgramDetailApi(ClinicianApi):
    @extend_schema(
        operation_id="clinician_program_retrieve",
        summary="A program of one of my patients, with its current version",
        responses=responses({200: ProgramDetailSerializer}, 401, 403, 404),
    )
    def get(self, request: Request, pk: int) -> Response:
        return _program_response(get_object_or_404(program_visible_to(user=request.user), pk=pk))


class ClinicianProgramApproveApi(ClinicianApi):
    @extend_schema(
        operation_id="clinician_program_approve",
        summary="Approve a draft: it becomes active and its schedule is laid out",
        request=None,
        responses=responses({200: ProgramDetailSerializer}, 400, 401, 403, 404),
    )
    def post(self, request: Request, pk: int) -> Response:
        program = get_object_or_404(program_visible_to(user=request.user), pk=pk)
        return _program_response(program_approve(program=program, by=request.user))


class ClinicianProgramPauseApi(ClinicianApi):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(help_text="Why; the patient reads it.")

    @extend_schema(
        operation_id="clinician_program_pause",
        summary="Pause an active program; the patient sees why",
        request=InputSerializer,
        responses=responses({200: ProgramDetailSerializer}, 400, 401, 403, 404),
    )
    def post(self, request: Request, pk: int) -> Response:
        program = get_object_or_404(program_visible_to(user=request.user), pk=pk)
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        paused = program_pause(program=program, by=request.user, **body.validated_data)
        return _program_response(paused)


class ClinicianProgramResumeApi(ClinicianApi):
    @extend_schema(
        operation_id="clinician_program_resume",
        summary="Resume a paused program",
        request=None,
        responses=responses({200: ProgramDetailSerializer}, 400, 401, 403, 404),
    )
    def post(self, request: Request, pk: int) -> Response:
        program = get_object_or_404(program_visible_to(user=request.user), pk=pk)
        return _program_response(program_resume(program=program, by=request.user))


# -- supervised sessions --------------------------------------------------------------------------


class SupervisedSessionSerializer(serializers.Serializer):
    class RecordSerializer(serializers.Serializer):
        program_exercise = serializers.IntegerField(source="program_exercise_id")
        exercise = serializers.SlugField(source="program_exercise.exercise.slug")
        technique = serializers.IntegerField(help_text="1 (unsafe) to 5 (correct, independent).")
        sets = serializers.IntegerField(allow_null=True)
        reps = serializers.IntegerField(allow_null=True)
        hold_s = serializers.IntegerField(allow_null=True)
        duration_s = serializers.IntegerField(allow_null=True)
        swapped_to_easier = serializers.BooleanField()
        mastered = serializers.BooleanField()
        note = serializers.CharField()

    id = serializers.IntegerField()
    program = serializers.IntegerField(source="program_id")
    number = serializers.IntegerField()
    scheduled_for = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=SupervisedStatus.choices)
    recorded_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()
    records = RecordSerializer(many=True)


class ClinicianSupervisedSessionListApi(ClinicianApi):
    @extend_schema(
        operation_id="clinician_supervised_sessions_list",
        summary="The clinic sessions of a program and what was recorded in each",
        responses=responses({200: SupervisedSessionSerializer(many=True)}, 401, 403, 404),
    )
    def get(self, request: Request, pk: int) -> Response:
        program = get_object_or_404(program_visible_to(user=request.user), pk=pk)
        sessions = supervised_session_list(program=program)
        return Response(SupervisedSessionSerializer(sessions, many=True).data)


class ClinicianSupervisedSessionRecordApi(ClinicianApi):
    class InputSerializer(serializers.Serializer):
        class EntrySerializer(serializers.Serializer):
            class DoseInputSerializer(serializers.Serializer):
                sets = serializers.IntegerField()
                reps = serializers.IntegerField(default=0)
                hold_s = serializers.IntegerField(default=0)
                duration_s = serializers.IntegerField(default=0)

            program_exercise = serializers.IntegerField(help_text="An id from the program.")
            technique = serializers.IntegerField(help_text="1 (unsafe) to 5.")
            dose = DoseInputSerializer(
                required=False, allow_null=True, default=None, help_text="A new dose, if any."
            )
            swap_to_easier = serializers.BooleanField(default=False)
            mastered = serializers.BooleanField(default=False)
            note = serializers.CharField(allow_blank=True, default="", max_length=300)

        entries = EntrySerializer(many=True, allow_empty=False)
        note = serializers.CharField(allow_blank=True, default="")

    @extend_schema(
        operation_id="clinician_supervised_session_record",
        summary="Record a clinic session: technique, dose changes, easier swaps, mastery",
        request=InputSerializer,
        responses=responses({200: SupervisedSessionSerializer}, 400, 401, 403, 404),
    )
    def post(self, request: Request, pk: int) -> Response:
        session = get_object_or_404(supervised_session_visible_to(user=request.user), pk=pk)
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entries = [
            SupervisedEntry(
                program_exercise_id=entry["program_exercise"],
                technique=entry["technique"],
                dose=Dose(**entry["dose"]) if entry["dose"] else None,
                swap_to_easier=entry["swap_to_easier"],
                mastered=entry["mastered"],
                note=entry["note"],
            )
            for entry in body.validated_data["entries"]
        ]
        recorded = supervised_session_record(
            session=session, by=request.user, entries=entries, note=body.validated_data["note"]
        )
        stored = supervised_session_list(program=recorded.program).get(pk=recorded.pk)
        return Response(SupervisedSessionSerializer(stored).data)


# -- weekly reviews -------------------------------------------------------------------------------


class ReviewSerializer(serializers.Serializer):
    class PatientBriefSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField(source="full_name")

    class ItemSerializer(serializers.Serializer):
        program_exercise = serializers.IntegerField(source="program_exercise_id")
        exercise = serializers.SlugField(source="program_exercise.exercise.slug")
        name = serializers.CharField(source="program_exercise.exercise.name")
        action = serializers.CharField(
            help_text="progress, hold, step_back, harder_variant or easier_variant."
        )
        variable = serializers.CharField(help_text="The one dose variable that changes, if any.")
        current_dose = DoseSerializer(source="program_exercise")
        proposed_dose = serializers.SerializerMethodField()
        new_exercise = serializers.SlugField(source="new_exercise.slug", allow_null=True)
        reasons = ExplanationSerializer(many=True)

        @extend_schema_field(DoseSerializer)
        def get_proposed_dose(self, item: Any) -> dict[str, Any]:
            values = {
                name: getattr(item, name) for name in ("sets", "reps", "hold_s", "duration_s")
            }
            return {**values, "text": dose_text(**values)}

    id = serializers.IntegerField()
    program = serializers.IntegerField(source="program_id")
    patient = PatientBriefSerializer(source="program.patient")
    week_start = serializers.DateField()
    status = serializers.ChoiceField(choices=ReviewStatus.choices)
    pause_progression = serializers.BooleanField()
    reasons = ExplanationSerializer(many=True)
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    items = ItemSerializer(many=True)


class ClinicianReviewListApi(ClinicianApi):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=ReviewStatus.choices, required=False, default="", help_text="Any by default."
        )

    @extend_schema(
        operation_id="clinician_reviews_list",
        summary="Weekly reviews of my patients' programs, newest week first, 25 a page",
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses=responses({200: page_of(ReviewSerializer)}, 400, 401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        reviews = review_list(user=request.user, **filters.validated_data)
        return paginated_response(
            request=request, view=self, rows=reviews, serializer_class=ReviewSerializer
        )


class ClinicianReviewApproveApi(ClinicianApi):
    @extend_schema(
        operation_id="clinician_review_approve",
        summary="Approve a weekly review: its changes make the program's next version",
        request=None,
        responses=responses({200: ReviewSerializer}, 400, 401, 403, 404),
    )
    def post(self, request: Request, pk: int) -> Response:
        review = get_object_or_404(review_list(user=request.user), pk=pk)
        review_approve(proposal=review, by=request.user)
        return Response(ReviewSerializer(review_list(user=request.user).get(pk=pk)).data)


class ClinicianReviewRejectApi(ClinicianApi):
    @extend_schema(
        operation_id="clinician_review_reject",
        summary="Reject a weekly review: the program stays as it is",
        request=None,
        responses=responses({200: ReviewSerializer}, 400, 401, 403, 404),
    )
    def post(self, request: Request, pk: int) -> Response:
        review = get_object_or_404(review_list(user=request.user), pk=pk)
        review_reject(proposal=review, by=request.user)
        return Response(ReviewSerializer(review_list(user=request.user).get(pk=pk)).data)


# -- home logs ------------------------------------------------------------------------------------


def _from_field(fields: dict[str, Any]) -> dict[str, Any]:
    # `from` is a Python keyword: the field is declared as `from_` and named `from` here.
    return {"from": fields.pop("from_"), **fields}


class HomeLogEntrySerializer(serializers.Serializer):
    class ExerciseBriefSerializer(serializers.Serializer):
        slug = serializers.SlugField()
        name = serializers.CharField()

    day = serializers.DateField(source="home_session.day", help_text="The patient's own day.")
    program = serializers.IntegerField(source="home_session.program_id")
    exercise = ExerciseBriefSerializer()
    done = serializers.BooleanField()
    sets_done = serializers.IntegerField()
    reps_done = serializers.IntegerField()
    pain_during = serializers.IntegerField(allow_null=True, help_text="0 to 10.")
    pain_after = serializers.IntegerField(allow_null=True, help_text="0 to 10.")
    difficulty = serializers.ChoiceField(
        choices=[("", "Not said"), *Feeling.choices], help_text="How hard it felt."
    )
    note = serializers.CharField(help_text="The patient's note for the clinic.")
    logged_at = serializers.DateTimeField(source="session_log.created_at")


class ClinicianPatientLogsApi(ClinicianApi):
    class FilterSerializer(serializers.Serializer):
        from_ = serializers.DateField(
            required=False,
            help_text=f"First day (YYYY-MM-DD); by default {DEFAULT_LOG_DAYS} days up to `to`.",
        )
        to = serializers.DateField(
            required=False, help_text="Last day (YYYY-MM-DD); by default the patient's today."
        )

        def get_fields(self) -> dict[str, Any]:
            return _from_field(super().get_fields())

    class OutputSerializer(serializers.Serializer):
        class PatientBriefSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            name = serializers.CharField(source="full_name")
            time_zone = serializers.CharField(help_text="Days are the patient's days there.")

        class DaySerializer(serializers.Serializer):
            day = serializers.DateField()
            entries = HomeLogEntrySerializer(many=True)

        patient = PatientBriefSerializer()
        from_ = serializers.DateField(source="days.first", help_text="The first day shown.")
        to = serializers.DateField(source="days.last", help_text="The last day shown.")
        days = DaySerializer(
            source="log", many=True, help_text="Days with logs in the range, newest first."
        )

        def get_fields(self) -> dict[str, Any]:
            return _from_field(super().get_fields())

    @extend_schema(
        operation_id="clinician_patient_logs",
        summary="What my patient logged at home: each exercise's pain, effort and note, by day",
        description=f"The patient's days from `from` to `to` (both included, at most "
        f"{MAX_LOG_DAYS} days); days without a log are left out.",
        parameters=[FilterSerializer],
        responses=responses({200: OutputSerializer}, 400, 401, 403, 404),
    )
    def get(self, request: Request, pk: int) -> Response:
        patient = get_object_or_404(patient_visible_to(user=request.user), pk=pk)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        days = log_range(
            today=patient_local_today(patient=patient),
            first=filters.validated_data.get("from"),
            last=filters.validated_data.get("to"),
        )
        log = patient_home_log(patient=patient, days=days)
        return Response(self.OutputSerializer({"patient": patient, "days": days, "log": log}).data)
