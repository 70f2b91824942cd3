"""CLINICAL.md's sharper tag table: the new `isometric_hold` tag and the reworded meanings.

The texts are written out here rather than read from exercises.vocabulary, so that this
migration keeps doing what it did when the vocabulary changes again.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

DESCRIPTIONS = {
    "breath_hold": (
        "Effort where people tend to hold their breath (Valsalva): planks, wall sits, "
        "held curl-ups, heavy pushes"
    ),
    "isometric_hold": (
        "An effort held still (bracing, bridge or plank hold, wall sit), as opposed to a "
        "passive stretch hold"
    ),
    "head_down": (
        "Head below the heart, or brought down to knee level or lower "
        "(deep forward bends, child's pose)"
    ),
    "balance_unsupported": (
        "Balance work with no hand support, including sitting or standing on an unstable "
        "surface (exercise ball, cushion)"
    ),
    "prolonged_standing": "Standing still for 60 s or more in one go (static stances count)",
}


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    movement_tag = apps.get_model("exercises", "MovementTag")
    for code, description in DESCRIPTIONS.items():
        movement_tag.objects.update_or_create(code=code, defaults={"description": description})


def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # The new tag goes; the reworded meanings stay (they are only clearer wording).
    apps.get_model("exercises", "MovementTag").objects.filter(code="isometric_hold").delete()


class Migration(migrations.Migration):
    dependencies = [("exercises", "0003_exercise_pose")]

    operations = [migrations.RunPython(forwards, backwards)]
