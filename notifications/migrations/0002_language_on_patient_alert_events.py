"""The language moves to the patient (everyone who writes to them needs it, not only the
reminders), and an alert remembers the planner's event it was made from."""

import django.db.models.deletion
from django.db import migrations, models


def language_to_patient(apps, schema_editor):
    preferences = apps.get_model("notifications", "ReminderPreferences")
    patient = apps.get_model("rehab", "Patient")
    for language in preferences.objects.values_list("language", flat=True).distinct():
        patient.objects.filter(
            reminder_preferences__in=preferences.objects.filter(language=language)
        ).update(language=language)


def language_to_preferences(apps, schema_editor):
    preferences = apps.get_model("notifications", "ReminderPreferences")
    for language in ("en", "ru"):
        preferences.objects.filter(patient__language=language).update(language=language)


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
        ('planner', '0013_notifications_moved_out'),
        ('rehab', '0005_patient_language'),
    ]

    operations = [
        migrations.RunPython(language_to_patient, language_to_preferences),
        migrations.RemoveConstraint(
            model_name='reminderpreferences',
            name='preferences_language_valid',
        ),
        migrations.RemoveField(
            model_name='reminderpreferences',
            name='language',
        ),
        migrations.AddField(
            model_name='reminder',
            name='event',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='alert', to='planner.patientevent'),
        ),
    ]
