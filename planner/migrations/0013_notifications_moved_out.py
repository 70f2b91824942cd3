"""The reminders' models left the planner for the notifications app (its 0001 takes them);
state only: the tables and their rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('planner', '0012_patient_event'),
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='Notification'),
                migrations.DeleteModel(name='PushSubscription'),
                migrations.DeleteModel(name='Reminder'),
                migrations.DeleteModel(name='ReminderPreferences'),
            ],
        ),
    ]
