from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rehab", "0005_patient_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="erased_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text=(
                    "When the person was erased (anonymised); their de-identified records remain."
                ),
                null=True,
            ),
        ),
    ]
