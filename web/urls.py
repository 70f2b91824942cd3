"""The patient mobile web app under /app/."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from web import demonstrations, questionnaires, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.PatientLoginView.as_view(), name="login"),
    path("logout/", views.PatientLogoutView.as_view(), name="logout"),
    path("invite/<str:token>/", views.invite_accept, name="invite"),
    path("password-reset/", views.PatientPasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="web/password_reset_sent.html"),
        name="password_reset_sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="web/password_reset_confirm.html",
            success_url=reverse_lazy("web:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="web/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("today/", views.today, name="today"),
    path("today/log/", views.log_exercise, name="log"),
    path("exercises/<slug:slug>/", views.exercise, name="exercise"),
    path("exercises/<slug:slug>/demo.svg", demonstrations.demonstration, name="demonstration"),
    path(
        "exercises/<slug:slug>/demo-still.svg",
        demonstrations.demonstration,
        {"still": True},
        name="demonstration_still",
    ),
    path("exercises/<slug:slug>/<str:phase>.svg", views.illustration, name="illustration"),
    path("handout.pdf", views.handout, name="handout"),
    path("history/", views.history, name="history"),
    path("progress/", views.progress, name="progress"),
    path("notifications/", views.notifications, name="notifications"),
    path("symptoms/", views.symptoms, name="symptoms"),
    path("questionnaires/<str:kind>/", questionnaires.questionnaire, name="questionnaire"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/calendar-reset/", views.calendar_reset, name="calendar_reset"),
    path("settings/export/", views.settings_export, name="settings_export"),
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
]
