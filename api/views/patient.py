"""The patient's own endpoints: profile, today, program, calendar, logs, reports, reminders,
notifications.

Only a login with a patient record gets in; everything read or written is that
patient's own.
"""

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import fields_renamed
from api.pagination import PAGE_PARAMETERS, page_of, paginated_response
from api.permissions import IsPatient, patient_of
from api.schema import FIELD_ERRORS_SCHEMA, responses
from api.serializers import (
    ClinicianContactSerializer,
    ClinicSessionSerializer,
    DoseSerializer,
    ExerciseLogSerializer,
    HomeItemSerializer,
    PatientExplanationSerializer,
    PatientLocalDateTimeField,
    PractisedExerciseSerializer,
    illustrations,
)
from exercises.models import Exercise
from exercises.selectors import exercise_text
from notifications.models import ReminderPreferences
from notifications.push_endpoints import ENDPOINT_MAX_LENGTH
from notifications.selectors import (
    notifications_list,
    notifications_unread_count,
    reminder_preferences_get,
)
from notifications.services import (
    MARK_READ_MAX_IDS,
    MAX_ID,
    PushEndpointTaken,
    notifications_mark_read,
    push_subscription_register,
    reminder_preferences_update,
)
from planner.models import ExerciseState, Feeling, ProgramStatus
from planner.selectors import (
    CALENDAR_STATUSES,
    DAY_STATES,
    DayStampRead,
    day_stamp_params,
    day_stamp_read,
    day_stamp_sql,
    patient_calendar,
    patient_current_program,
    patient_day_cached,
    patient_today,
    program_current_version,
    program_exercises,
    session_log_entries,
    stamp_candidate_days,
)
from planner.services import LogEntry, session_log_record, symptom_red_flag_report
from rehab.auth import TokenRead
from rehab.models import Patient
from rehab.selectors import red_flags_need_care_today

# The calendar returns at most this many days at once.
MAX_CALENDAR_DAYS = 92


def _context(request: Request, patient: Patient) -> dict[str, Any]:
    return {"request": request, "time_zone": patient.time_zone}


class PatientApi(APIView):
    permission_classes = [IsAuthenticated, IsPatient]


class MeApi(PatientApi):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="patient.id")
        first_name = serializers.CharField(source="patient.first_name")
        last_name = serializers.CharField(source="patient.last_name")
        name = serializers.CharField(source="patient.full_name")
        clinician = ClinicianContactSerializer(source="patient.clinician")
        time_zone = serializers.CharField(source="patient.time_zone")
        language = serializers.ChoiceField(source="patient.language", choices=settings.LANGUAGES)

    @extend_schema(
        operation_id="me_retrieve",
        summary="Who I am: name, my clinician and how to reach them, time zone, language",
        responses=responses({200: OutputSerializer}, 401, 403),
    )
    def get(self, request: Request) -> Response:
        patient = patient_of(request)
        data = {"patient": patient}
        return Response(self.OutputSerializer(data).data)


class TodayApi(PatientApi):
    day_read: DayStampRead | None = None

    def read_with_token(self) -> TokenRead:
        """The day's stamp, read by the token's own query (rehab.auth): for each day that
        can be someone's today, the patient's picked once their time zone is read."""
        days = stamp_candidate_days()

        def received(user: Any, values: tuple[Any, ...]) -> None:
            patient = getattr(user, "patient", None)  # read with the user: no query
            if patient is not None:
                self.day_read = day_stamp_read(
                    patient_id=patient.pk, time_zone=patient.time_zone, days=days, values=values
                )

        return day_stamp_sql(days=len(days)), day_stamp_params(days=days), received

    class OutputSerializer(serializers.Serializer):
        day = serializers.DateField()
        state = serializers.ChoiceField(
            choices=DAY_STATES,
            help_text="no_program; not_started and supervised (the next clinic session is "
            "shown); home (the exercises); paused (see paused_reason and call the "
            "clinician); finished.",
        )
        program_id = serializers.IntegerField(source="program.pk", allow_null=True)
        exercises = HomeItemSerializer(
            source="home", many=True, help_text="Today's home exercises, in order."
        )
        all_logged = serializers.BooleanField()
        estimated_minutes = serializers.IntegerField()
        next_session = ClinicSessionSerializer(allow_null=True)
        to_practise = PractisedExerciseSerializer(
            many=True, help_text="Exercises still practised at the clinic."
        )
        paused_reason = serializers.CharField()
        clinician = ClinicianContactSerializer(source="patient.clinician")

    @extend_schema(
        operation_id="today_retrieve",
        summary="Today: the home exercises with today's logs, or the next clinic session",
        responses=responses({200: OutputSerializer}, 401, 403),
    )
    def get(self, request: Request) -> HttpResponse:
        patient = patient_of(request)
        # Kept as the JSON it is sent as: a day unchanged since the last call costs one
        # query (with the token's) and no serialising.
        body = patient_day_cached(
            patient=patient,
            read=self.day_read,
            variant=f"api:{get_language()}",
            render=lambda day: JSONRenderer().render(
                self.OutputSerializer(day, context=_context(request, patient)).data
            ),
        )
        return HttpResponse(body, content_type="application/json")


class ProgramApi(PatientApi):
    class OutputSerializer(serializers.Serializer):
        class ExerciseSerializer(serializers.Serializer):
            class CardSerializer(serializers.Serializer):
                slug = serializers.SlugField()
                name = serializers.CharField()
                summary = serializers.CharField()
                category = serializers.CharField()
                illustrations = serializers.SerializerMethodField()

                def get_illustrations(self, exercise: Exercise) -> list[str]:
                    return illustrations(exercise)

                def to_representation(self, instance: Any) -> Any:
                    # The texts in the reader's language (Accept-Language, else the site's).
                    return super().to_representation(exercise_text(exercise=instance))

            position = serializers.IntegerField()
            exercise = CardSerializer()
            state = serializers.ChoiceField(
                choices=ExerciseState.choices,
                help_text="supervised: practised at the clinic; mastered: part of the home days.",
            )
            dose = DoseSerializer(source="*")
            explanation = PatientExplanationSerializer(
                many=True, help_text="Why it is in the program, in the patient's plain words."
            )

        id = serializers.IntegerField(source="program.id")
        status = serializers.ChoiceField(source="program.status", choices=ProgramStatus.choices)
        start_date = serializers.DateField(source="program.start_date")
        end_date = serializers.DateField(source="program.end_date")
        weeks = serializers.IntegerField(source="program.weeks")
        home_started_on = serializers.DateField(source="program.home_started_on", allow_null=True)
        paused_reason = serializers.CharField(source="program.paused_reason")
        version = serializers.IntegerField(source="version.number")
        version_date = serializers.DateTimeField(source="version.created_at")
        exercises = ExerciseSerializer(many=True)

    @extend_schema(
        operation_id="program_retrieve",
        summary="My current program, each exercise with its state, dose and explanation",
        responses=responses({200: OutputSerializer}, 401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        patient = patient_of(request)
        program = patient_current_program(patient=patient)
        if program is None:
            raise NotFound("You have no program yet.")
        version = program_current_version(program=program)
        exercises = program_exercises(version=version)
        data = {"program": program, "version": version, "exercises": exercises}
        return Response(self.OutputSerializer(data).data)


class CalendarQuerySerializer(serializers.Serializer):
    """`from` and `to` (a Python keyword) come in under their own names."""

    first = serializers.DateField(required=False, help_text="First day, YYYY-MM-DD.")
    last = serializers.DateField(required=False, help_text="Last day, YYYY-MM-DD.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("first")
        fields["to"] = fields.pop("last")
        for name in ("from", "to"):
            fields[name].source = "first" if name == "from" else "last"
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        first, last = attrs.get("first"), attrs.get("last")
        if first and last:
            if last < first:
                raise serializers.ValidationError({"to": "Must not be before `from`."})
            if (last - first).days + 1 > MAX_CALENDAR_DAYS:
                raise serializers.ValidationError(
                    {"to": f"At most {MAX_CALENDAR_DAYS} days at once."}
                )
        return attrs


class SessionListApi(PatientApi):
    class OutputSerializer(serializers.Serializer):
        class DaySerializer(serializers.Serializer):
            day = serializers.DateField()
            status = serializers.ChoiceField(choices=CALENDAR_STATUSES)
            planned = serializers.IntegerField(help_text="Home exercises planned that day.")
            done = serializers.IntegerField(help_text="Home exercises logged as done.")
            supervised = ClinicSessionSerializer(many=True, help_text="Clinic sessions that day.")

        days = DaySerializer(many=True)

    @extend_schema(
        operation_id="sessions_list",
        summary="My calendar: each day done, partial, missed, today, upcoming or rest",
        description=f"Days of the current program between `from` and `to` (by default the "
        f"whole program; at most {MAX_CALENDAR_DAYS} days when both are given).",
        parameters=[CalendarQuerySerializer],
        responses=responses({200: OutputSerializer}, 400, 401, 403),
    )
    def get(self, request: Request) -> Response:
        patient = patient_of(request)
        query = CalendarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        days = patient_calendar(
            patient=patient,
            first=query.validated_data.get("first"),
            last=query.validated_data.get("last"),
        )
        context = _context(request, patient)
        return Response(self.OutputSerializer({"days": days}, context=context).data)


DAY_PARAMETER = OpenApiParameter(
    "day", OpenApiTypes.DATE, OpenApiParameter.PATH, description="The day, YYYY-MM-DD."
)


class SessionDayApi(PatientApi):
    class OutputSerializer(serializers.Serializer):
        day = serializers.DateField()
        state = serializers.ChoiceField(choices=DAY_STATES)
        exercises = HomeItemSerializer(source="home", many=True)

    class InputSerializer(serializers.Serializer):
        day = serializers.DateField()

    @extend_schema(
        operation_id="session_retrieve",
        summary="One day: its home exercises and what I logged of them",
        parameters=[DAY_PARAMETER],
        responses=responses({200: OutputSerializer}, 400, 401, 403),
    )
    def get(self, request: Request, day: str) -> Response:
        patient = patient_of(request)
        path = self.InputSerializer(data={"day": day})
        path.is_valid(raise_exception=True)
        result = patient_today(patient=patient, day=path.validated_data["day"])
        return Response(self.OutputSerializer(result, context=_context(request, patient)).data)


IDEMPOTENCY_KEY = "Idempotency-Key"
MAX_KEY_LENGTH = 64


class SessionLogCreateApi(PatientApi):
    class InputSerializer(serializers.Serializer):
        class EntrySerializer(serializers.Serializer):
            exercise = serializers.SlugField(max_length=80, help_text="The exercise's slug.")
            done = serializers.BooleanField()
            sets_done = serializers.IntegerField(default=0)
            reps_done = serializers.IntegerField(default=0)
            pain_during = serializers.IntegerField(
                required=False, allow_null=True, default=None, help_text="0 to 10."
            )
            pain_after = serializers.IntegerField(
                required=False, allow_null=True, default=None, help_text="0 to 10."
            )
            difficulty = serializers.ChoiceField(
                choices=Feeling.choices, allow_blank=True, default=""
            )
            note = serializers.CharField(allow_blank=True, default="", max_length=500)

        day = serializers.DateField()
        entries = EntrySerializer(many=True, allow_empty=False)

    class OutputSerializer(serializers.Serializer):
        class EntrySerializer(ExerciseLogSerializer):
            exercise = serializers.SlugField(source="exercise.slug")

        id = serializers.IntegerField(source="log.id")
        key = serializers.CharField(source="log.client_key")
        day = serializers.DateField(source="log.home_session.day")
        created_at = serializers.DateTimeField(source="log.created_at")
        entries = EntrySerializer(many=True)

    @extend_schema(
        operation_id="session_log_create",
        summary="Log what I did on a day; resending with the same Idempotency-Key is harmless",
        description="The same key again returns the stored log (200) and stores nothing new, "
        "whatever the body; a key another patient used is refused.",
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_KEY,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="1 to 64 characters chosen by the client, new for each log.",
            )
        ],
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
        key = _idempotency_key(request)
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entries = [
            LogEntry(exercise_slug=entry.pop("exercise"), **entry)
            for entry in body.validated_data["entries"]
        ]
        with fields_renamed({"client_key": IDEMPOTENCY_KEY}):
            log, created = session_log_record(
                patient=patient, day=body.validated_data["day"], client_key=key, entries=entries
            )
        data = self.OutputSerializer({"log": log, "entries": session_log_entries(log=log)}).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _idempotency_key(request: Request) -> str:
    key = request.headers.get(IDEMPOTENCY_KEY, "")
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise serializers.ValidationError(
            {IDEMPOTENCY_KEY: f"Send a key of 1 to {MAX_KEY_LENGTH} characters, new for each log."}
        )
    return key


class SymptomReportCreateApi(PatientApi):
    class InputSerializer(serializers.Serializer):
        codes = serializers.ListField(
            child=serializers.SlugField(max_length=64),
            allow_empty=False,
            help_text="Red flag codes, e.g. saddle_anesthesia; at least one.",
        )
        note = serializers.CharField(allow_blank=True, default="", max_length=1000)

    class OutputSerializer(serializers.Serializer):
        codes = serializers.ListField(child=serializers.SlugField(), help_text="As reported.")
        raised = serializers.ListField(
            child=serializers.SlugField(), help_text="Newly recorded (others were already)."
        )
        urgency = serializers.ChoiceField(choices=["same_day", "contact_clinic"])
        advice = serializers.CharField()
        clinician = ClinicianContactSerializer()

    @extend_schema(
        operation_id="symptom_report_create",
        summary="Report warning symptoms: the program pauses and my clinician is alerted",
        request=InputSerializer,
        responses=responses({201: OutputSerializer}, 400, 401, 403),
    )
    def post(self, request: Request) -> Response:
        patient = patient_of(request)
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        codes = body.validated_data["codes"]
        raised = symptom_red_flag_report(
            patient=patient, codes=codes, note=body.validated_data["note"]
        )
        same_day = red_flags_need_care_today(codes=codes)
        data = {
            "codes": codes,
            "raised": raised,
            "urgency": "same_day" if same_day else "contact_clinic",
            "advice": SAME_DAY_ADVICE if same_day else CONTACT_CLINIC_ADVICE,
            "clinician": patient.clinician,
        }
        return Response(self.OutputSerializer(data).data, status=status.HTTP_201_CREATED)


SAME_DAY_ADVICE = (
    "Seek care today: go to an emergency department or call emergency services now. These "
    "symptoms can mean pressure on the nerves at the base of the spine, which needs to be "
    "seen the same day. Do not do your exercises."
)
CONTACT_CLINIC_ADVICE = (
    "Contact your clinic: call your clinician to tell them about these symptoms. Your "
    "exercise program is paused until they have seen you."
)


class ReminderPreferencesApi(PatientApi):
    class OutputSerializer(serializers.Serializer):
        email = serializers.BooleanField()
        push = serializers.BooleanField()
        quiet_start = serializers.TimeField(allow_null=True)
        quiet_end = serializers.TimeField(allow_null=True)
        language = serializers.ChoiceField(source="patient.language", choices=settings.LANGUAGES)
        reminder_time = serializers.TimeField(source="patient.reminder_time")
        time_zone = serializers.CharField(source="patient.time_zone")
        calendar_url = serializers.SerializerMethodField(
            help_text="The secret address of my calendar; null until the preferences are "
            "first saved (any PATCH, even an empty one, saves them)."
        )

        def get_calendar_url(self, preferences: ReminderPreferences) -> str | None:
            if preferences.pk is None:
                return None  # unsaved defaults: their token opens no calendar yet
            path = reverse("calendar-feed", kwargs={"token": preferences.calendar_token})
            return str(self.context["request"].build_absolute_uri(path))

    class InputSerializer(serializers.Serializer):
        email = serializers.BooleanField(required=False)
        push = serializers.BooleanField(required=False)
        quiet_start = serializers.TimeField(required=False, allow_null=True)
        quiet_end = serializers.TimeField(required=False, allow_null=True)
        language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
        reminder_time = serializers.TimeField(required=False)
        time_zone = serializers.CharField(required=False, max_length=64)

    @extend_schema(
        operation_id="reminder_preferences_retrieve",
        summary="How and when I hear from the clinic, and my calendar address",
        responses=responses({200: OutputSerializer}, 401, 403),
    )
    def get(self, request: Request) -> Response:
        patient = patient_of(request)
        preferences = reminder_preferences_get(patient=patient)
        return Response(self.OutputSerializer(preferences, context={"request": request}).data)

    @extend_schema(
        operation_id="reminder_preferences_update",
        summary="Change some of my reminder preferences (the others stay)",
        request=InputSerializer,
        responses=responses({200: OutputSerializer}, 400, 401, 403),
    )
    def patch(self, request: Request) -> Response:
        patient = patient_of(request)
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        preferences = reminder_preferences_update(patient=patient, **body.validated_data)
        return Response(self.OutputSerializer(preferences, context={"request": request}).data)


class PushSubscriptionCreateApi(PatientApi):
    class InputSerializer(serializers.Serializer):
        """The browser's `PushSubscription.toJSON()`, as the service worker has it."""

        class KeysSerializer(serializers.Serializer):
            p256dh = serializers.CharField(
                max_length=200, trim_whitespace=False, help_text="base64url, 65 bytes."
            )
            auth = serializers.CharField(
                max_length=100, trim_whitespace=False, help_text="base64url, 16 bytes."
            )

        endpoint = serializers.CharField(
            max_length=ENDPOINT_MAX_LENGTH,
            trim_whitespace=False,
            help_text="The push service's https address; only browsers' push services "
            "(the server's PUSH_SERVICE_HOSTS) are accepted.",
        )
        keys = KeysSerializer()

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        endpoint = serializers.CharField()
        is_active = serializers.BooleanField()
        created_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="push_subscription_create",
        summary="Register this browser for Web Push reminders (again re-activates it)",
        description="An endpoint registered to another account stays theirs: 409, with the "
        "reason under `endpoint`.",
        request=InputSerializer,
        responses=responses(
            {
                201: OutputSerializer,
                409: OpenApiResponse(
                    FIELD_ERRORS_SCHEMA, "The endpoint is another account's; nothing changed."
                ),
            },
            400,
            401,
            403,
        ),
    )
    def post(self, request: Request) -> Response:
        patient_of(request)
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with fields_renamed({"p256dh": "keys.p256dh", "auth": "keys.auth"}):
            try:
                subscription = push_subscription_register(
                    user=request.user,
                    endpoint=body.validated_data["endpoint"],
                    p256dh=body.validated_data["keys"]["p256dh"],
                    auth=body.validated_data["keys"]["auth"],
                )
            except PushEndpointTaken as taken:
                return Response(taken.message_dict, status=status.HTTP_409_CONFLICT)
        return Response(self.OutputSerializer(subscription).data, status=status.HTTP_201_CREATED)


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField(help_text="Where in the app to act on it (a path), or empty.")
    created_at = PatientLocalDateTimeField(help_text="When it was sent, in my time zone.")
    read = serializers.SerializerMethodField()
    read_at = PatientLocalDateTimeField(allow_null=True, help_text="When I first read it.")

    def get_read(self, notification: Any) -> bool:
        return notification.read_at is not None


class NotificationListApi(PatientApi):
    class FilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(
            required=False, default=False, help_text="Only those not read yet."
        )

    @extend_schema(
        operation_id="notifications_list",
        summary="My notifications (reminders and messages sent to me), newest first, 25 a page",
        description="Reading the list marks nothing read: see `POST /api/v1/notifications/read/`. "
        "`?unread=true&page_size=1` gives the unread count as `count`.",
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses=responses({200: page_of(NotificationSerializer)}, 400, 401, 403, 404),
    )
    def get(self, request: Request) -> Response:
        patient = patient_of(request)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = notifications_list(user=request.user, unread_only=filters.validated_data["unread"])
        return paginated_response(
            request=request,
            view=self,
            rows=rows,
            serializer_class=NotificationSerializer,
            context=_context(request, patient),
        )


class NotificationReadApi(PatientApi):
    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
            required=False,
            allow_empty=False,
            max_length=MARK_READ_MAX_IDS,
            help_text=f"These notifications (1 to {MARK_READ_MAX_IDS} ids).",
        )
        up_to = serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=MAX_ID,
            help_text="Every notification with an id up to this one: the newest a list "
            "showed, so that what arrived after it stays unread.",
        )

    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField(help_text="Marked read now (0 when already read).")
        unread = serializers.IntegerField(help_text="Still unread.")

    @extend_schema(
        operation_id="notifications_read",
        summary="Mark my notifications read: some by id, or all up to one",
        description="Give `ids` or `up_to`, not both. Ids that are not mine are passed over; "
        "a notification already read keeps the time it was first read.",
        request=InputSerializer,
        responses=responses({200: OutputSerializer}, 400, 401, 403),
    )
    def post(self, request: Request) -> Response:
        patient_of(request)
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        marked = notifications_mark_read(
            user=request.user,
            ids=body.validated_data.get("ids"),
            up_to=body.validated_data.get("up_to"),
        )
        data = {"marked": marked, "unread": notifications_unread_count(user=request.user)}
        return Response(self.OutputSerializer(data).data)
