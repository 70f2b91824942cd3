"""CLINICAL.md, "Dose": "each side" for one-sided exercises, whose time estimate counts both
sides. The library file sets the flag (`manage.py load_library`); a clinic's own exercises
default to both sides at once."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0004_isometric_hold_tag"),
    ]

    operations = [
        migrations.AddField(
            model_name="exercise",
            name="per_side",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Done on one side and then the other (one leg, one arm): the dose is shown "
                    '"each side" and the time estimate counts both sides.'
                ),
                verbose_name="each side",
            ),
        ),
    ]
