"""The move of the reminders' models from planner to notifications keeps every row.

Rows are made with the models as they were before the move (planner 0011), then the
database is migrated forward: the same rows, the language now on the patient, the
content types and the clinicians' group permissions moved with them.
"""

from datetime import UTC, date, datetime, time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("planner", "0011_plan_activity_and_advice"),
    ("rehab", "0004_body_composition_muscle_low"),
    ("contenttypes", "0002_remove_content_type_name"),
    ("auth", "0012_alter_user_first_name_max_length"),
]


def _migrate(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rows_made_before_the_move_are_all_there_after_it():
    old = _migrate(BEFORE)
    user_model = old.get_model("auth", "User")
    content_type = old.get_model("contenttypes", "ContentType")
    permission = old.get_model("auth", "Permission")
    group = old.get_model("auth", "Group")
    doctor = user_model.objects.create(username="doc-migration", email="doc@example.org")
    clinician = old.get_model("rehab", "Clinician").objects.create(user=doctor)
    patient = old.get_model("rehab", "Patient").objects.create(
        clinician=clinician,
        first_name="Vera",
        last_name="Migration",
        date_of_birth=date(1970, 5, 1),
        sex="female",
        height_cm=165,
        weight_kg=60,
        time_zone="Pacific/Auckland",
    )
    reminder = old.get_model("planner", "Reminder").objects.create(
        kind="alert_pain",
        patient=patient,
        for_date=date(2026, 11, 30),
        due_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        status="sent",
        context={"pain": 7},
    )
    old.get_model("planner", "ReminderPreferences").objects.create(
        patient=patient, language="ru", quiet_start=time(22, 0), quiet_end=time(7, 0)
    )
    old.get_model("planner", "Notification").objects.create(
        user=doctor, reminder=reminder, title="Боль 7/10", body="Пожалуйста, позвоните."
    )
    old.get_model("planner", "PushSubscription").objects.create(
        user=doctor, endpoint="https://push.example.org/abc", p256dh="key", auth="auth"
    )
    reminder_type, _ = content_type.objects.get_or_create(app_label="planner", model="reminder")
    view, _ = permission.objects.get_or_create(
        content_type=reminder_type, codename="view_reminder", defaults={"name": "Can view"}
    )
    doctors = group.objects.create(name="migration doctors")
    doctors.permissions.add(view)

    new = _migrate(
        [("notifications", "0003_periodic_tasks"), ("planner", "0013_notifications_moved_out")]
    )

    moved = new.get_model("notifications", "Reminder").objects.get()
    assert (moved.pk, moved.kind, moved.status, moved.context) == (
        reminder.pk,
        "alert_pain",
        "sent",
        {"pain": 7},
    )
    assert moved.event_id is None
    preferences = new.get_model("notifications", "ReminderPreferences").objects.get()
    assert (preferences.quiet_start, preferences.quiet_end) == (time(22, 0), time(7, 0))
    assert new.get_model("rehab", "Patient").objects.get(pk=patient.pk).language == "ru"
    assert new.get_model("notifications", "Notification").objects.get().title == "Боль 7/10"
    assert new.get_model("notifications", "PushSubscription").objects.count() == 1
    moved_type = new.get_model("contenttypes", "ContentType").objects.get(pk=reminder_type.pk)
    assert (moved_type.app_label, moved_type.model) == ("notifications", "reminder")
    kept = new.get_model("auth", "Group").objects.get(name="migration doctors")
    assert list(kept.permissions.values_list("content_type__app_label", "codename")) == [
        ("notifications", "view_reminder")
    ]
