"""The reminders' models move here from the planner: the tables stay as they are.

State only (SeparateDatabaseAndState): the tables keep their planner_* names and rows;
the content types move with their permissions, so the clinicians' group keeps them.
planner's 0013 removes the same models from the planner's state.
"""

import django.db.models.deletion
import notifications.models
from django.conf import settings
from django.db import migrations, models

MOVED = ("reminder", "reminderpreferences", "notification", "pushsubscription")


def _move_content_types(apps, schema_editor, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        old = content_type.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue  # a fresh database: post_migrate creates the content types later
        # A content type already made for the target (an earlier run) holds no one's
        # permissions yet; the old one, with the groups' permissions, takes its place.
        content_type.objects.filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "planner", "notifications")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "notifications", "planner")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('planner', '0012_patient_event'),
        ('rehab', '0004_body_composition_muscle_low'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PushSubscription',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('endpoint', models.URLField(max_length=1000, unique=True)),
                        ('p256dh', models.CharField(max_length=200)),
                        ('auth', models.CharField(max_length=100)),
                        ('is_active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('disabled_at', models.DateTimeField(blank=True, null=True)),
                        ('disabled_reason', models.CharField(blank=True, max_length=200)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='push_subscriptions', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'planner_pushsubscription',
                    },
                ),
                migrations.CreateModel(
                    name='Reminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('daily_home', 'Daily home session'), ('evening_nudge', 'Evening nudge (day not logged)'), ('supervised_24h', 'Clinic session tomorrow'), ('supervised_2h', 'Clinic session in 2 hours'), ('missed_two_days', 'Encouragement after 2 missed days'), ('alert_red_flag', 'Alert: red flag reported'), ('alert_pain', 'Alert: pain of 6 or more'), ('alert_missed_three_days', 'Alert: 3 missed days'), ('alert_pain_rising', 'Alert: pain rising over baseline'), ('weekly_digest', 'Weekly digest of reviews')], max_length=32)),
                        ('for_date', models.DateField()),
                        ('due_at', models.DateTimeField()),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('skipped', 'Skipped (no longer needed)'), ('failed', 'Failed')], default='pending', max_length=10)),
                        ('queued_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('channels', models.JSONField(blank=True, default=list)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('last_error', models.TextField(blank=True)),
                        ('context', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('clinician', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='digests', to='rehab.clinician')),
                        ('patient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='rehab.patient')),
                    ],
                    options={
                        'db_table': 'planner_reminder',
                        'ordering': ['due_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200)),
                        ('body', models.TextField()),
                        ('link', models.CharField(blank=True, max_length=300)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                        ('reminder', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='notifications', to='notifications.reminder')),
                    ],
                    options={
                        'db_table': 'planner_notification',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ReminderPreferences',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.BooleanField(default=True)),
                        ('push', models.BooleanField(default=True)),
                        ('quiet_start', models.TimeField(blank=True, null=True)),
                        ('quiet_end', models.TimeField(blank=True, null=True)),
                        ('language', models.CharField(choices=[('en', 'English'), ('ru', 'Русский')], default='en', max_length=8)),
                        ('calendar_token', models.CharField(default=notifications.models.new_calendar_token, max_length=64, unique=True)),
                        ('patient', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_preferences', to='rehab.patient')),
                    ],
                    options={
                        'verbose_name_plural': 'reminder preferences',
                        'db_table': 'planner_reminderpreferences',
                    },
                ),
                migrations.AddIndex(
                    model_name='reminder',
                    index=models.Index(fields=['status', 'due_at'], name='reminder_due_idx'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.UniqueConstraint(condition=models.Q(('patient__isnull', False)), fields=('patient', 'kind', 'for_date'), name='reminder_once_per_patient_kind_day'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.UniqueConstraint(condition=models.Q(('clinician__isnull', False)), fields=('clinician', 'kind', 'for_date'), name='reminder_once_per_clinician_kind_day'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('clinician__isnull', False), ('patient__isnull', True)), models.Q(('clinician__isnull', True), ('patient__isnull', False)), _connector='OR'), name='reminder_for_a_patient_or_a_clinician'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['daily_home', 'evening_nudge', 'supervised_24h', 'supervised_2h', 'missed_two_days', 'alert_red_flag', 'alert_pain', 'alert_missed_three_days', 'alert_pain_rising', 'weekly_digest'])), name='reminder_kind_valid'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'sent', 'skipped', 'failed'])), name='reminder_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='notification',
                    constraint=models.UniqueConstraint(condition=models.Q(('reminder__isnull', False)), fields=('user', 'reminder'), name='notification_once_per_reminder'),
                ),
                migrations.AddConstraint(
                    model_name='reminderpreferences',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('quiet_end__isnull', True), ('quiet_start__isnull', True)), models.Q(('quiet_end__isnull', False), ('quiet_start__isnull', False)), _connector='OR'), name='preferences_quiet_hours_whole'),
                ),
                migrations.AddConstraint(
                    model_name='reminderpreferences',
                    constraint=models.CheckConstraint(condition=models.Q(('language__in', ['en', 'ru'])), name='preferences_language_valid'),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
