"""The REST API: /api/v1/ and its OpenAPI schema (/api/schema/, docs at /api/docs/)."""

from csp.decorators import csp_update
from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from api.views import auth, clinician, exercises, health, patient, questionnaires, worklist


class DocsReader(BasePermission):
    """Anyone where API_DOCS_PUBLIC (a developer's machine); otherwise a signed-in user."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(settings.API_DOCS_PUBLIC or request.user.is_authenticated)


class SchemaApi(SpectacularAPIView):
    """The OpenAPI schema: for a signed-in user, or anyone where API_DOCS_PUBLIC."""

    permission_classes = [DocsReader]


# Swagger UI styles its page with an inline <style> block; its script comes from the
# sidecar's static files and the page's own script from this view (the split view), so no
# inline script is needed.
@method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}), name="dispatch")
class DocsApi(SpectacularSwaggerSplitView):
    """The interactive docs, read as the schema is."""

    permission_classes = [DocsReader]


app_name = "api"

v1: list[URLPattern | URLResolver] = [
    path("health/", health.HealthApi.as_view(), name="health"),
    path("health/live/", health.HealthLiveApi.as_view(), name="health-live"),
    path("auth/token/", auth.TokenApi.as_view(), name="auth-token"),
    # The patient's own
    path("me/", patient.MeApi.as_view(), name="me"),
    path("today/", patient.TodayApi.as_view(), name="today"),
    path("program/", patient.ProgramApi.as_view(), name="program"),
    path("sessions/", patient.SessionListApi.as_view(), name="sessions"),
    path("sessions/<str:day>/", patient.SessionDayApi.as_view(), name="session-day"),
    path("session-logs/", patient.SessionLogCreateApi.as_view(), name="session-logs"),
    path("symptom-reports/", patient.SymptomReportCreateApi.as_view(), name="symptom-reports"),
    path(
        "reminder-preferences/",
        patient.ReminderPreferencesApi.as_view(),
        name="reminder-preferences",
    ),
    path(
        "push-subscriptions/",
        patient.PushSubscriptionCreateApi.as_view(),
        name="push-subscriptions",
    ),
    path("notifications/", patient.NotificationListApi.as_view(), name="notifications"),
    path("notifications/read/", patient.NotificationReadApi.as_view(), name="notifications-read"),
    path(
        "questionnaires/due/",
        questionnaires.QuestionnaireDueApi.as_view(),
        name="questionnaires-due",
    ),
    path(
        "questionnaires/",
        questionnaires.QuestionnaireAnswerCreateApi.as_view(),
        name="questionnaires",
    ),
    # The clinician's
    path(
        "clinician/patients/",
        clinician.ClinicianPatientListApi.as_view(),
        name="clinician-patients",
    ),
    path(
        "clinician/patients/<int:pk>/",
        clinician.ClinicianPatientDetailApi.as_view(),
        name="clinician-patient",
    ),
    path(
        "clinician/patients/<int:pk>/logs/",
        clinician.ClinicianPatientLogsApi.as_view(),
        name="clinician-patient-logs",
    ),
    path(
        "clinician/patients/<int:pk>/programs/",
        clinician.ClinicianProgramCreateApi.as_view(),
        name="clinician-patient-programs",
    ),
    path(
        "clinician/programs/<int:pk>/",
        clinician.ClinicianProgramDetailApi.as_view(),
        name="clinician-program",
    ),
    path(
        "clinician/programs/<int:pk>/approve/",
        clinician.ClinicianProgramApproveApi.as_view(),
        name="clinician-program-approve",
    ),
    path(
        "clinician/programs/<int:pk>/pause/",
        clinician.ClinicianProgramPauseApi.as_view(),
        name="clinician-program-pause",
    ),
    path(
        "clinician/programs/<int:pk>/resume/",
        clinician.ClinicianProgramResumeApi.as_view(),
        name="clinician-program-resume",
    ),
    path(
        "clinician/programs/<int:pk>/supervised-sessions/",
        clinician.ClinicianSupervisedSessionListApi.as_view(),
        name="clinician-program-supervised-sessions",
    ),
    path(
        "clinician/supervised-sessions/<int:pk>/record/",
        clinician.ClinicianSupervisedSessionRecordApi.as_view(),
        name="clinician-supervised-session-record",
    ),
    path(
        "clinician/reviews/", clinician.ClinicianReviewListApi.as_view(), name="clinician-reviews"
    ),
    path(
        "clinician/reviews/<int:pk>/approve/",
        clinician.ClinicianReviewApproveApi.as_view(),
        name="clinician-review-approve",
    ),
    path(
        "clinician/reviews/<int:pk>/reject/",
        clinician.ClinicianReviewRejectApi.as_view(),
        name="clinician-review-reject",
    ),
    path("clinician/worklist/", worklist.WorklistApi.as_view(), name="clinician-worklist"),
    path(
        "clinician/worklist/handled/",
        worklist.WorklistHandledApi.as_view(),
        name="clinician-worklist-handled",
    ),
    # The library
    path("exercises/", exercises.ExerciseListApi.as_view(), name="exercises"),
    path("exercises/<slug:slug>/", exercises.ExerciseDetailApi.as_view(), name="exercise"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/", include(v1)),
    path("schema/", SchemaApi.as_view(), name="schema"),
    path("docs/", DocsApi.as_view(url_name="api:schema"), name="docs"),
]
