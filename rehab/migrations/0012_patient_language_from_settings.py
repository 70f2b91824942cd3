"""The patient's language is one of the site's (settings.LANGUAGES, with EXTRA_LANGUAGES): checked
by the field's choices, a callable, so a clinic adding a language needs no migration."""

from django.conf import settings
from django.db import migrations, models

import rehab.models.patient


class Migration(migrations.Migration):
    dependencies = [
        ("rehab", "0011_user_sessions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="patient",
            name="patient_language_valid",
        ),
        migrations.AlterField(
            model_name="historicalpatient",
            name="language",
            field=models.CharField(
                choices=rehab.models.patient.site_languages,
                default="en",
                help_text=(
                    "The language of the app, the reminders and what the clinic writes to them."
                ),
                max_length=8,
            ),
        ),
        migrations.AlterField(
            model_name="patient",
            name="language",
            field=models.CharField(
                choices=rehab.models.patient.site_languages,
                default="en",
                help_text=(
                    "The language of the app, the reminders and what the clinic writes to them."
                ),
                max_length=8,
            ),
        ),
        migrations.AddConstraint(
            model_name="patient",
            constraint=models.CheckConstraint(
                condition=models.Q(("language", ""), _negated=True), name="patient_language_given"
            ),
        ),
    ]
